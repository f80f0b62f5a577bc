//! The timeline and RTIO intrinsics: the cursor `now_mu`, delays, and output events written straight
//! to the RTIO core (only a refused event calls into the firmware).

use crate::emit::{Gen, R};
use inkwell::attributes::AttributeLoc;
use inkwell::values::{BasicMetadataValueEnum, BasicValue, BasicValueEnum, IntValue};
use inkwell::IntPredicate;
use strobe_abi::rtio::{self, fast};
use strobe_ir::{Expr, Intrinsic, Line};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// The timeline (`now_mu` lives in the firmware) and RTIO calls into the firmware.
    pub(crate) fn intrinsic(
        &mut self,
        op: Intrinsic,
        args: &'ir [Expr],
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.expr(a)?);
        }
        let i64t = self.ctx.i64_type();
        let none = self.ctx.i8_type().const_zero().into();
        let now = self.now_global();
        Ok(match op {
            Intrinsic::NowMu => self.builder.build_load(i64t, now, "now")?,
            Intrinsic::AtMu => {
                self.builder.build_store(now, values[0])?;
                self.cursor_moved_back(None)?;
                none
            }
            Intrinsic::DelayMu => {
                let t = self.builder.build_load(i64t, now, "now")?.into_int_value();
                let delta = values[0].into_int_value();
                let later = self.builder.build_int_add(t, delta, "later")?;
                self.builder.build_store(now, later)?;
                let forward = delta.get_sign_extended_constant().is_some_and(|d| d >= 0);
                if !forward {
                    let back = self.builder.build_int_compare(
                        IntPredicate::SLT,
                        delta,
                        i64t.const_zero(),
                        "back",
                    )?;
                    self.cursor_moved_back(Some(back))?;
                }
                none
            }
            Intrinsic::RtioOutput => {
                let t = self.builder.build_load(i64t, now, "now")?;
                match self.program.rtio_registers {
                    Some(regs) => self.rtio_output_inline(
                        regs,
                        values[0].into_int_value(),
                        t.into_int_value(),
                        values[1].into_int_value(),
                        line,
                    )?,
                    None => {
                        self.call_runtime(
                            "__strobe_rtio_output",
                            &[values[0].into(), t.into(), values[1].into()],
                        )?;
                        self.check_exception(line)?;
                    }
                }
                none
            }
            Intrinsic::RtioGate => {
                // A gate event is an RTIO event: late, it raises RTIOUnderflow.
                self.call_runtime("__strobe_rtio_gate", &[values[0].into(), values[1].into()])?;
                self.check_exception(line)?;
                none
            }
            Intrinsic::RtioInputTimestamp | Intrinsic::RtioInputData => {
                // Lost entries raise RTIOOverflow.
                let (name, zero) = match op {
                    Intrinsic::RtioInputTimestamp => {
                        ("__strobe_rtio_input_timestamp", i64t.const_zero())
                    }
                    _ => ("__strobe_rtio_input_data", self.ctx.i32_type().const_zero()),
                };
                let t = self
                    .call_runtime(name, &[values[0].into(), values[1].into()])?
                    .unwrap_or(zero.into());
                self.check_exception(line)?;
                t
            }
            Intrinsic::RtioGetCounter => self
                .call_runtime("__strobe_rtio_counter", &[])?
                .unwrap_or(i64t.const_zero().into()),
            Intrinsic::Dma(call) => {
                let mut flat: Vec<BasicMetadataValueEnum> = Vec::new();
                for (v, a) in values.iter().zip(args) {
                    if a.ty == strobe_ir::Type::Str {
                        let (bytes, len) = self.str_parts(*v)?;
                        flat.extend([bytes, len]);
                    } else {
                        flat.push((*v).into());
                    }
                }
                let result = self.call_runtime(call.symbol(), &flat)?;
                self.check_exception(line)?;
                result.unwrap_or(none)
            }
        })
    }

    /// The timeline cursor moved back (when `condition` holds, or always): the fast-path deadline,
    /// which holds only for events at or after the cursor's value when it was set, expires (is set
    /// to the cycle counter's value now).
    fn cursor_moved_back(&mut self, condition: Option<IntValue<'ctx>>) -> R<()> {
        if self.program.rtio_registers.is_none() {
            return Ok(());
        }
        let deadline = self.rtio_deadline_global();
        let expire = |this: &Self| -> R<()> {
            let now = this.read_cycle_word("rdcycle $0")?;
            this.builder.build_store(deadline, now)?;
            Ok(())
        };
        let Some(condition) = condition else {
            return expire(self);
        };
        let (back, on) = (
            self.new_block("timeline.back"),
            self.new_block("timeline.on"),
        );
        self.builder.build_conditional_branch(condition, back, on)?;
        self.builder.position_at_end(back);
        expire(self)?;
        self.builder.build_unconditional_branch(on)?;
        self.builder.position_at_end(on);
        Ok(())
    }

    /// Writes an output event through the RTIO core's fast window when the CPU's cycle counter
    /// shows the event in time (below the firmware's deadline, `strobe_abi::RTIO_DEADLINE`) and its
    /// value fits a window address: two stores, no status read. Otherwise the firmware's exact path writes it (and raises an
    /// underflow at this call, or moves the deadline).
    pub(crate) fn rtio_output_inline(
        &mut self,
        regs: strobe_ir::RtioRegisters,
        channel: IntValue<'ctx>,
        timestamp: IntValue<'ctx>,
        value: IntValue<'ctx>,
        line: Line,
    ) -> R<()> {
        let i32t = self.ctx.i32_type();
        let i64t = self.ctx.i64_type();
        // The deadline's low word, read anew each time (the firmware's timer interrupt moves it).
        let deadline = self
            .builder
            .build_load(i32t, self.rtio_deadline_global(), "deadline")?;
        if let Some(load) = deadline.as_instruction_value() {
            load.set_volatile(true)
                .map_err(|e| crate::CodegenError::Llvm(e.to_string()))?;
        }
        let now = self.read_cycle_word("rdcycle $0")?;
        let b = &self.builder;
        // Never more than 2^31 cycles apart (`strobe_abi::RTIO_DEADLINE`): a signed difference.
        let left = b.build_int_sub(deadline.into_int_value(), now, "left")?;
        let in_time = b.build_int_compare(IntPredicate::SGT, left, i32t.const_zero(), "in_time")?;
        // Wider values (a clock generator's tuning word) cannot be named by a window address.
        let narrow = b.build_int_compare(
            IntPredicate::ULE,
            value,
            i32t.const_int(fast::VALUE_MASK as u64, false),
            "narrow",
        )?;
        let in_time = b.build_and(in_time, narrow, "fast")?;
        let (fast, slow, done) = (
            self.new_block("rtio.fast"),
            self.new_block("rtio.exact"),
            self.new_block("rtio.done"),
        );
        // In a loop that keeps ahead of the counter, every event takes the fast path: it falls
        // through; the exact path's call costs far more than a taken branch.
        self.branch_expecting(in_time, fast, slow, true)?;

        self.builder.position_at_end(fast);
        let b = &self.builder;
        let window = |offset: IntValue<'ctx>| {
            b.build_int_add(
                i32t.const_int(regs.fast_window as u64, false),
                offset,
                "window",
            )
        };
        // `strobe_abi::rtio::fast::fast_event_offset`, on values known only at run time.
        let field = |v: IntValue<'ctx>, mask: u32, shift: u32, name: &str| {
            b.build_left_shift(
                b.build_and(v, i32t.const_int(mask as u64, false), name)?,
                i32t.const_int(shift as u64, false),
                name,
            )
        };
        let slot = b.build_or(
            field(value, fast::VALUE_MASK, rtio::CHANNEL_BITS + 2, "value")?,
            field(channel, rtio::CHANNEL_MASK, 2, "channel")?,
            "slot",
        )?;
        let event_address = window(b.build_int_add(
            slot,
            i32t.const_int(fast::EVENT_BASE_OFFSET as u64, false),
            "",
        )?)?;
        let high_address = window(i32t.const_int(fast::FAST_TIMESTAMP_HIGH_OFFSET as u64, false))?;
        let timestamp_high = b.build_int_truncate(
            b.build_right_shift(timestamp, i64t.const_int(32, false), false, "")?,
            i32t,
            "ts.hi",
        )?;
        let timestamp_low = b.build_int_truncate(timestamp, i32t, "ts.lo")?;
        self.store_word(timestamp_high, high_address)?;
        self.store_word(timestamp_low, event_address)?;
        self.builder.build_unconditional_branch(done)?;

        self.builder.position_at_end(slow);
        self.call_runtime(
            "__strobe_rtio_output",
            &[channel.into(), timestamp.into(), value.into()],
        )?;
        self.check_exception(line)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    /// One word of the CPU's cycle counter. Never merged with another read or moved across the
    /// event stores.
    fn read_cycle_word(&self, asm: &str) -> R<IntValue<'ctx>> {
        let ty = self.ctx.i32_type().fn_type(&[], false);
        self.device_asm(ty, asm, "=r", &[])?
            .try_as_basic_value()
            .basic()
            .map(|v| v.into_int_value())
            .ok_or_else(|| crate::CodegenError::Llvm("rdcycle returned nothing".into()))
    }

    /// A word store to an RTIO window; the compiler may keep memory values (the timeline cursor,
    /// the deadline) in registers across it.
    fn store_word(&self, word: IntValue<'ctx>, address: IntValue<'ctx>) -> R<()> {
        let i32t = self.ctx.i32_type();
        let ty = self
            .ctx
            .void_type()
            .fn_type(&[i32t.into(), i32t.into()], false);
        self.device_asm(ty, "sw $0, 0($1)", "r,r", &[word.into(), address.into()])?;
        Ok(())
    }

    /// An inline-assembly instruction that reaches the device (a counter, an RTIO window) and no
    /// memory LLVM knows of (`memory(inaccessiblemem: readwrite)`, `nounwind`, a side effect):
    /// loads and stores of globals move across it, such instructions keep their order.
    fn device_asm(
        &self,
        ty: inkwell::types::FunctionType<'ctx>,
        asm: &str,
        constraints: &str,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> R<inkwell::values::CallSiteValue<'ctx>> {
        let asm = self.ctx.create_inline_asm(
            ty,
            asm.to_string(),
            constraints.to_string(),
            true,
            false,
            None,
            false,
        );
        let call = self.builder.build_indirect_call(ty, asm, args, "")?;
        for attribute in self.inaccessible_memory_only() {
            call.add_attribute(AttributeLoc::Function, attribute);
        }
        Ok(call)
    }
}

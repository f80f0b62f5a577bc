//! The timeline and RTIO intrinsics: the cursor `now_mu`, delays, and output events written straight
//! to the RTIO core (only a refused event calls into the firmware).

use crate::emit::{Gen, R};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, IntValue};
use inkwell::IntPredicate;
use strobe_abi::rtio::{self, fast};
use strobe_ir::{Expr, Intrinsic, Line};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// The timeline (the function's cursor, see [`Gen::cursor`]) and RTIO calls into the firmware.
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
        let now = self.cursor();
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
                if delta.get_sign_extended_constant().is_none_or(|d| d < 0) {
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
                let t = self.builder.build_load(i64t, now, "now")?;
                self.call_runtime(
                    "__strobe_rtio_gate",
                    &[values[0].into(), t.into(), values[1].into()],
                )?;
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

    /// The cursor moved back (when `condition` holds, or always): the roomy flag, which vouches only
    /// for events at or after an answered one, is cleared (`strobe_abi::RTIO_ROOMY`).
    fn cursor_moved_back(&mut self, condition: Option<IntValue<'ctx>>) -> R<()> {
        if self.program.rtio_registers.is_none() {
            return Ok(());
        }
        let clear = |this: &Self| -> R<()> {
            let zero = this.ctx.i32_type().const_zero();
            this.store_runtime_word(zero.into(), this.rtio_roomy_global().into())
        };
        let Some(condition) = condition else {
            return clear(self);
        };
        let (back, on) = (
            self.new_block("timeline.back"),
            self.new_block("timeline.on"),
        );
        // A delay whose value is known only at run time is almost always forward.
        self.branch_unlikely(condition, back, on)?;
        self.builder.position_at_end(back);
        clear(self)?;
        self.builder.build_unconditional_branch(on)?;
        self.builder.position_at_end(on);
        Ok(())
    }

    /// Offers an output event to the RTIO core through its fast window (`strobe_abi::rtio::fast`)
    /// when its value fits a window address: with the roomy flag set, two stores; else two stores
    /// and a read, whose answer says whether the core took it (and becomes the roomy flag). An
    /// event the window does not take (late, or the window closed) and a wider value go through
    /// the firmware's exact path, which raises RTIOUnderflow at this call for a late event.
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
        // Wider values (a clock generator's tuning word) cannot be named by a window address.
        let narrow = self.builder.build_int_compare(
            IntPredicate::ULE,
            value,
            i32t.const_int(fast::VALUE_MASK as u64, false),
            "narrow",
        )?;
        let (fast, slow, done) = (
            self.new_block("rtio.fast"),
            self.new_block("rtio.exact"),
            self.new_block("rtio.done"),
        );
        // In a loop that keeps ahead of the counter, every event is taken: the fast path falls
        // through; the exact path's call costs far more than a taken branch.
        self.branch_expecting(narrow, fast, slow, true)?;

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
        let low_address = window(i32t.const_int(fast::FAST_TIMESTAMP_LOW_OFFSET as u64, false))?;
        let timestamp_high = b.build_int_truncate(
            b.build_right_shift(timestamp, i64t.const_int(32, false), false, "")?,
            i32t,
            "ts.hi",
        )?;
        let timestamp_low = b.build_int_truncate(timestamp, i32t, "ts.lo")?;
        let event_word = b.build_int_to_ptr(event_address, self.ptr_type(), "event")?;
        let roomy_flag = self.rtio_roomy_global();
        let roomy = self
            .load_runtime_word(i32t.into(), roomy_flag)?
            .into_int_value();
        self.store_runtime_word(timestamp_high.into(), high_address.into())?;
        let has_room =
            self.builder
                .build_int_compare(IntPredicate::NE, roomy, i32t.const_zero(), "roomy")?;
        let (unanswered, answered, other, keep) = (
            self.new_block("rtio.unanswered"),
            self.new_block("rtio.answered"),
            self.new_block("rtio.answer"),
            self.new_block("rtio.roomy"),
        );
        // With room, the low word's store offers the event; else a read offers it and answers.
        self.branch_expecting(has_room, unanswered, answered, true)?;
        self.builder.position_at_end(unanswered);
        self.store_runtime_word(timestamp_low.into(), event_address.into())?;
        self.builder.build_unconditional_branch(done)?;

        self.builder.position_at_end(answered);
        self.store_runtime_word(timestamp_low.into(), low_address.into())?;
        let answer = self
            .load_runtime_word(i32t.into(), event_word)?
            .into_int_value();
        // Taken without room (the flag stays clear: this is the path of a loop at its slack's
        // edge, so it does no more), taken with room (the answer becomes the flag), or elsewhere.
        let plain = self.builder.build_int_compare(
            IntPredicate::EQ,
            answer,
            i32t.const_int(fast::TAKEN as u64, false),
            "taken",
        )?;
        self.branch_expecting(plain, done, other, true)?;
        self.builder.position_at_end(other);
        let elsewhere = self.builder.build_int_compare(
            IntPredicate::EQ,
            answer,
            i32t.const_int(fast::ELSEWHERE as u64, false),
            "elsewhere",
        )?;
        self.builder
            .build_conditional_branch(elsewhere, slow, keep)?;
        self.builder.position_at_end(keep);
        self.store_runtime_word(answer.into(), roomy_flag.into())?;
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
}

//! The timeline and RTIO intrinsics: the cursor `now_mu`, delays, and output events written straight
//! to the RTIO core (only a refused event calls into the firmware).

use crate::emit::{Gen, R};
use inkwell::values::{BasicValue, BasicValueEnum, IntValue};
use inkwell::IntPredicate;
use strobe_abi::rtio;
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
                none
            }
            Intrinsic::DelayMu => {
                let t = self.builder.build_load(i64t, now, "now")?.into_int_value();
                let later = self
                    .builder
                    .build_int_add(t, values[0].into_int_value(), "later")?;
                self.builder.build_store(now, later)?;
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
        })
    }

    /// Writes an output event straight to the RTIO core (three stores and a status load); only a
    /// refused event calls into the firmware.
    pub(crate) fn rtio_output_inline(
        &mut self,
        regs: strobe_ir::RtioRegisters,
        channel: IntValue<'ctx>,
        timestamp: IntValue<'ctx>,
        value: IntValue<'ctx>,
        line: Line,
    ) -> R<()> {
        let i32t = self.ctx.i32_type();
        let b = &self.builder;
        let at = |offset: u32| {
            b.build_int_to_ptr(
                i32t.const_int((regs.event + offset) as u64, false),
                self.ptr_type(),
                "csr",
            )
        };
        // The words of `strobe_abi::rtio::event_words`, which the firmware and gateware share.
        let bit = b.build_and(value, i32t.const_int(1, false), "bit")?;
        let shifted =
            b.build_left_shift(bit, i32t.const_int(rtio::VALUE_SHIFT as u64, false), "v")?;
        let first = b.build_or(
            shifted,
            b.build_and(
                channel,
                i32t.const_int(rtio::CHANNEL_MASK as u64, false),
                "ch",
            )?,
            "w0",
        )?;
        let high = b.build_int_truncate(
            b.build_right_shift(
                timestamp,
                self.ctx.i64_type().const_int(32, false),
                false,
                "",
            )?,
            i32t,
            "hi",
        )?;
        let low = b.build_int_truncate(timestamp, i32t, "lo")?;
        for (offset, word) in [(0, first), (4, high), (8, low)] {
            let store = b.build_store(at(offset)?, word)?;
            store
                .set_volatile(true)
                .map_err(|e| crate::CodegenError::Llvm(e.to_string()))?;
        }
        let status_ptr = b.build_int_to_ptr(
            i32t.const_int(regs.status as u64, false),
            self.ptr_type(),
            "status",
        )?;
        let status = b.build_load(i32t, status_ptr, "status")?;
        if let Some(load) = status.as_instruction_value() {
            load.set_volatile(true)
                .map_err(|e| crate::CodegenError::Llvm(e.to_string()))?;
        }
        let errors = b.build_and(
            status.into_int_value(),
            i32t.const_int(rtio::output_status::ERRORS as u64, false),
            "errors",
        )?;
        let refused =
            b.build_int_compare(IntPredicate::NE, errors, i32t.const_zero(), "refused")?;
        let (slow, done) = (self.new_block("rtio.slow"), self.new_block("rtio.done"));
        self.builder.build_conditional_branch(refused, slow, done)?;
        self.builder.position_at_end(slow);
        self.call_runtime(
            "__strobe_rtio_output_slow",
            &[
                channel.into(),
                timestamp.into(),
                value.into(),
                errors.into(),
            ],
        )?;
        self.check_exception(line)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(done);
        Ok(())
    }
}

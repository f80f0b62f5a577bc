//! Expressions. Integer arithmetic follows CPython where values fit (floor division and modulo round
//! toward -inf; division by zero raises), wrapping on overflow like the hardware.

use crate::emit::{Gen, Layout, R};
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, FloatValue, IntValue, PointerValue,
};
use inkwell::{FloatPredicate, IntPredicate};
use strobe_abi::layout::{EXCEPTION, LIST_HEADER};
use strobe_abi::{rtio, ExceptionId};
use strobe_ir::{ArithOp, CmpKind, Expr, ExprKind, Intrinsic, Line, MathFn, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn expr(&mut self, e: &'ir Expr) -> R<BasicValueEnum<'ctx>> {
        let b = &self.builder;
        Ok(match &e.kind {
            ExprKind::Int(v) => match e.ty {
                Type::Int64 => self.ctx.i64_type().const_int(*v as u64, true).into(),
                Type::Float => self.ctx.f64_type().const_float(*v as f64).into(),
                _ => self
                    .ctx
                    .i32_type()
                    .const_int(*v as i32 as u32 as u64, false)
                    .into(),
            },
            ExprKind::Float(v) => self.ctx.f64_type().const_float(v.0).into(),
            ExprKind::Bool(v) => self.ctx.bool_type().const_int(*v as u64, false).into(),
            ExprKind::Str(s) => self.const_str(s)?.into(),
            ExprKind::None => self.ctx.i8_type().const_zero().into(),
            ExprKind::Local(l) => b.build_load(self.ll(&e.ty), self.local_slot(*l), "")?,
            ExprKind::LocalRef(l) => self.local_slot(*l).into(),
            ExprKind::Field {
                object,
                class,
                index,
            } => {
                let obj = self.expr(object)?.into_pointer_value();
                let st = self.object_type(*class);
                let p = self.builder.build_struct_gep(st, obj, *index, "field")?;
                self.builder.build_load(self.ll(&e.ty), p, "")?
            }
            ExprKind::Index { list, index, line } => {
                let l = self.expr(list)?.into_pointer_value();
                let i = self.expr(index)?.into_int_value();
                let p = self.element_ptr(l, i, &e.ty, *line, "list index out of range")?;
                self.builder.build_load(self.ll(&e.ty), p, "")?
            }
            ExprKind::TupleGet { tuple, index } => {
                let t = self.expr(tuple)?.into_struct_value();
                self.builder.build_extract_value(t, *index, "")?
            }
            ExprKind::Call { func, args, line } => {
                let mut values: Vec<BasicMetadataValueEnum> = Vec::new();
                for a in args {
                    values.push(self.expr(a)?.into());
                }
                let f = self.functions[func];
                let v = self
                    .builder
                    .build_call(f, &values, "")?
                    .try_as_basic_value()
                    .basic();
                self.check_exception(*line)?;
                v.unwrap_or_else(|| self.ctx.i8_type().const_zero().into())
            }
            ExprKind::Rpc {
                service,
                is_async,
                args,
                line,
            } => self.rpc(*service, *is_async, args, &e.ty, *line)?,
            ExprKind::New { class, init, line } => {
                let st = self.object_type(*class);
                let obj = self.alloc(st.size_of_abi(self).max(1), st.align_of_abi(self), *line)?;
                self.builder.build_store(obj, st.const_zero())?;
                if let Some((func, args)) = init {
                    let mut values: Vec<BasicMetadataValueEnum> = vec![obj.into()];
                    for a in args {
                        values.push(self.expr(a)?.into());
                    }
                    self.builder.build_call(self.functions[func], &values, "")?;
                    self.check_exception(*line)?;
                }
                obj.into()
            }
            ExprKind::NewException { id, name, message } => {
                let msg = match message {
                    Some(m) => Some(self.expr(m)?),
                    None => None,
                };
                self.new_exception(*id, name, msg, Line(0))?.into()
            }
            ExprKind::Arith {
                op,
                left,
                right,
                line,
            } => {
                let (l, r) = (self.expr(left)?, self.expr(right)?);
                match e.ty {
                    Type::Float => self
                        .float_arith(*op, l.into_float_value(), r.into_float_value(), *line)?
                        .into(),
                    _ => self
                        .int_arith(*op, l.into_int_value(), r.into_int_value(), *line)?
                        .into(),
                }
            }
            ExprKind::Compare { op, left, right } => {
                let (l, r) = (self.expr(left)?, self.expr(right)?);
                self.compare(*op, &left.ty, l, r)?.into()
            }
            ExprKind::ShortCircuit { and, values } => self.short_circuit(*and, values, &e.ty)?,
            ExprKind::Not(v) => {
                let v = self.expr(v)?.into_int_value();
                self.builder.build_not(v, "not")?.into()
            }
            ExprKind::Neg(v) => match self.expr(v)? {
                BasicValueEnum::FloatValue(f) => self.builder.build_float_neg(f, "neg")?.into(),
                other => {
                    let i = other.into_int_value();
                    self.builder
                        .build_int_sub(i.get_type().const_zero(), i, "neg")?
                        .into()
                }
            },
            ExprKind::Invert(v) => {
                let i = self.expr(v)?.into_int_value();
                self.builder.build_not(i, "invert")?.into()
            }
            ExprKind::Truthy(v) => {
                let ty = &v.ty;
                let value = self.expr(v)?;
                self.truthy(value, ty)?.into()
            }
            ExprKind::Convert(v) => {
                let from = &v.ty;
                let value = self.expr(v)?;
                self.convert(value, from, &e.ty)?
            }
            ExprKind::IfExp { cond, then, orelse } => {
                let c = self.expr(cond)?.into_int_value();
                let (t_bb, e_bb, done) = (
                    self.new_block("ifexp.then"),
                    self.new_block("ifexp.else"),
                    self.new_block("ifexp.end"),
                );
                self.builder.build_conditional_branch(c, t_bb, e_bb)?;
                self.builder.position_at_end(t_bb);
                let tv = self.expr(then)?;
                let t_end = self.builder.get_insert_block().expect("positioned");
                self.builder.build_unconditional_branch(done)?;
                self.builder.position_at_end(e_bb);
                let ev = self.expr(orelse)?;
                let e_end = self.builder.get_insert_block().expect("positioned");
                self.builder.build_unconditional_branch(done)?;
                self.builder.position_at_end(done);
                let phi = self.builder.build_phi(self.ll(&e.ty), "ifexp")?;
                phi.add_incoming(&[(&tv, t_end), (&ev, e_end)]);
                phi.as_basic_value()
            }
            ExprKind::ListLit(items) => {
                let Type::List(elem) = &e.ty else {
                    return Ok(self.ptr_type().const_null().into());
                };
                let n = self.ctx.i32_type().const_int(items.len() as u64, false);
                let list = self.new_list(n, elem, Line(0))?;
                for (i, item) in items.iter().enumerate() {
                    let v = self.expr(item)?;
                    let idx = self.ctx.i32_type().const_int(i as u64, false);
                    let p = self.data_ptr(list, idx, elem)?;
                    self.builder.build_store(p, v)?;
                }
                list.into()
            }
            ExprKind::ListRepeat { list, count, line } => self.list_repeat(list, count, *line)?,
            ExprKind::ListConcat { left, right, line } => self.list_concat(left, right, *line)?,
            ExprKind::ListAppend { list, value, line } => {
                let Type::List(elem) = &list.ty else {
                    return Ok(self.ctx.i8_type().const_zero().into());
                };
                let l = self.expr(list)?.into_pointer_value();
                let v = self.expr(value)?;
                self.list_append(l, v, elem, *line)?;
                self.ctx.i8_type().const_zero().into()
            }
            ExprKind::ListPop { list, line } => {
                let Type::List(elem) = &list.ty else {
                    return Ok(self.ctx.i8_type().const_zero().into());
                };
                let l = self.expr(list)?.into_pointer_value();
                let len = self.list_len(l)?;
                let empty = self.builder.build_int_compare(
                    IntPredicate::EQ,
                    len,
                    len.get_type().const_zero(),
                    "empty",
                )?;
                self.raise_if(empty, ExceptionId::IndexError, "pop from empty list", *line)?;
                let last =
                    self.builder
                        .build_int_sub(len, len.get_type().const_int(1, false), "last")?;
                self.set_list_len(l, last)?;
                self.load_element(l, last, elem)?
            }
            ExprKind::Contains { item, container } => self.contains(item, container)?.into(),
            ExprKind::TupleLit(items) => {
                let st = self.ll(&e.ty).into_struct_type();
                let mut agg = st.get_undef();
                for (i, item) in items.iter().enumerate() {
                    let v = self.expr(item)?;
                    agg = self
                        .builder
                        .build_insert_value(agg, v, i as u32, "")?
                        .into_struct_value();
                }
                agg.into()
            }
            ExprKind::Len(v) => {
                let ty = &v.ty;
                let value = self.expr(v)?;
                self.len(value, ty)?.into()
            }
            ExprKind::RangeLit {
                start,
                stop,
                step,
                line,
            } => {
                let (a, z, s) = (
                    self.expr(start)?.into_int_value(),
                    self.expr(stop)?.into_int_value(),
                    self.expr(step)?.into_int_value(),
                );
                let zero = self.builder.build_int_compare(
                    IntPredicate::EQ,
                    s,
                    s.get_type().const_zero(),
                    "zero",
                )?;
                self.raise_if(
                    zero,
                    ExceptionId::ValueError,
                    "range() arg 3 must not be zero",
                    *line,
                )?;
                let st = self.ll(&e.ty).into_struct_type();
                let mut agg = st.get_undef();
                for (i, v) in [a, z, s].into_iter().enumerate() {
                    agg = self
                        .builder
                        .build_insert_value(agg, v, i as u32, "")?
                        .into_struct_value();
                }
                agg.into()
            }
            ExprKind::StrConcat { parts, line } => {
                let mut acc: Option<BasicValueEnum> = None;
                for p in parts {
                    let v = self.expr(p)?;
                    acc = Some(match acc {
                        None => v,
                        Some(a) => self.str_concat(a, v, *line)?,
                    });
                }
                acc.map_or_else(|| self.const_str("").map(Into::into), Ok)?
            }
            ExprKind::ToStr { value, line } => {
                let ty = &value.ty;
                let v = self.expr(value)?;
                self.stringify(v, ty, *line)?
            }
            ExprKind::MinMax { max, values, line } => self.min_max(*max, values, &e.ty, *line)?,
            ExprKind::Abs(v) => match self.expr(v)? {
                BasicValueEnum::FloatValue(f) => self.call_intrinsic("llvm.fabs", &[f.into()])?,
                other => {
                    let i = other.into_int_value();
                    let neg = self
                        .builder
                        .build_int_sub(i.get_type().const_zero(), i, "neg")?;
                    let is_neg = self.builder.build_int_compare(
                        IntPredicate::SLT,
                        i,
                        i.get_type().const_zero(),
                        "isneg",
                    )?;
                    self.builder.build_select(is_neg, neg, i, "abs")?
                }
            },
            ExprKind::Block(stmts, value) => {
                self.block(stmts)?;
                self.expr(value)?
            }
            ExprKind::Sum(list) => {
                let l = self.expr(list)?.into_pointer_value();
                let elem = e.ty.clone();
                let slot = self.entry_alloca(self.ll(&elem), "sum")?;
                self.builder
                    .build_store(slot, self.ll(&elem).const_zero())?;
                let len = self.list_len(l)?;
                self.counted_loop(len, |this, i| {
                    let item = this.load_element(l, i, &elem)?;
                    let acc = this.builder.build_load(this.ll(&elem), slot, "acc")?;
                    let next: BasicValueEnum = match elem {
                        Type::Float => this
                            .builder
                            .build_float_add(acc.into_float_value(), item.into_float_value(), "")?
                            .into(),
                        _ => this
                            .builder
                            .build_int_add(acc.into_int_value(), item.into_int_value(), "")?
                            .into(),
                    };
                    this.builder.build_store(slot, next)?;
                    Ok(())
                })?;
                self.builder.build_load(self.ll(&elem), slot, "sum")?
            }
            ExprKind::Math { fun, arg, line } => {
                let x = self.expr(arg)?.into_float_value();
                let zero = x.get_type().const_zero();
                // CPython raises ValueError("math domain error") where C would return NaN or -inf.
                let bad = match fun {
                    MathFn::Sqrt => Some(self.builder.build_float_compare(
                        FloatPredicate::OLT,
                        x,
                        zero,
                        "neg",
                    )?),
                    MathFn::Log => Some(self.builder.build_float_compare(
                        FloatPredicate::OLE,
                        x,
                        zero,
                        "nonpos",
                    )?),
                    _ => None,
                };
                if let Some(bad) = bad {
                    self.raise_if(bad, ExceptionId::ValueError, "math domain error", *line)?;
                }
                let name = match fun {
                    MathFn::Sqrt => "llvm.sqrt",
                    MathFn::Floor => "llvm.floor",
                    MathFn::Ceil => "llvm.ceil",
                    MathFn::Fabs => "llvm.fabs",
                    MathFn::Sin => "llvm.sin",
                    MathFn::Cos => "llvm.cos",
                    MathFn::Exp => "llvm.exp",
                    MathFn::Log => "llvm.log",
                };
                let r = self.call_intrinsic(name, &[x.into()])?;
                match fun {
                    MathFn::Floor | MathFn::Ceil => self
                        .builder
                        .build_float_to_signed_int(
                            r.into_float_value(),
                            self.ctx.i32_type(),
                            "int",
                        )?
                        .into(),
                    _ => r,
                }
            }
            ExprKind::Round(v) => {
                let f = self.expr(v)?;
                let r = self
                    .call_intrinsic("llvm.roundeven", &[f])?
                    .into_float_value();
                self.builder
                    .build_float_to_signed_int(r, self.ctx.i32_type(), "round")?
                    .into()
            }
            ExprKind::Intrinsic { op, args, line } => self.intrinsic(*op, args, *line)?,
            ExprKind::SecondsToMu { seconds, clock_hz } => {
                let s = self.expr(seconds)?.into_float_value();
                let clock = self.ctx.f64_type().const_float(*clock_hz as f64);
                let cycles = self.builder.build_float_mul(s, clock, "cycles")?;
                let rounded = self
                    .call_intrinsic("llvm.round", &[cycles.into()])?
                    .into_float_value();
                self.builder
                    .build_float_to_signed_int(rounded, self.ctx.i64_type(), "mu")?
                    .into()
            }
        })
    }

    /// The timeline (`now_mu` lives in the firmware) and RTIO calls into the firmware.
    fn intrinsic(
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
                self.call_runtime("__strobe_rtio_gate", &[values[0].into(), values[1].into()])?;
                none
            }
            Intrinsic::RtioInputTimestamp => self
                .call_runtime(
                    "__strobe_rtio_input_timestamp",
                    &[values[0].into(), values[1].into()],
                )?
                .unwrap_or(i64t.const_zero().into()),
            Intrinsic::RtioGetCounter => self
                .call_runtime("__strobe_rtio_counter", &[])?
                .unwrap_or(i64t.const_zero().into()),
        })
    }

    /// Writes an output event straight to the RTIO core (three stores and a status load); only a
    /// refused event calls into the firmware.
    fn rtio_output_inline(
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
        let shifted = b.build_left_shift(bit, i32t.const_int(rtio::VALUE_SHIFT as u64, false), "v")?;
        let first = b.build_or(
            shifted,
            b.build_and(channel, i32t.const_int(rtio::CHANNEL_MASK as u64, false), "ch")?,
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

    // ----- numbers ------------------------------------------------------------------------------

    fn int_arith(
        &mut self,
        op: ArithOp,
        l: IntValue<'ctx>,
        r: IntValue<'ctx>,
        line: Line,
    ) -> R<IntValue<'ctx>> {
        let b = &self.builder;
        let t = l.get_type();
        let zero = t.const_zero();
        let minus_one = t.const_all_ones();
        Ok(match op {
            ArithOp::Add => b.build_int_add(l, r, "add")?,
            ArithOp::Sub => b.build_int_sub(l, r, "sub")?,
            ArithOp::Mul => b.build_int_mul(l, r, "mul")?,
            ArithOp::BitAnd => b.build_and(l, r, "and")?,
            ArithOp::BitOr => b.build_or(l, r, "or")?,
            ArithOp::BitXor => b.build_xor(l, r, "xor")?,
            ArithOp::FloorDiv | ArithOp::Mod => {
                let is_zero = b.build_int_compare(IntPredicate::EQ, r, zero, "divzero")?;
                let message = if op == ArithOp::Mod {
                    "integer modulo by zero"
                } else {
                    "integer division or modulo by zero"
                };
                self.raise_if(is_zero, ExceptionId::ZeroDivisionError, message, line)?;
                let b = &self.builder;
                // Avoid the undefined MIN / -1: divide by 1 instead and fix up below.
                let by_minus_one = b.build_int_compare(IntPredicate::EQ, r, minus_one, "m1")?;
                let safe_r = b
                    .build_select(by_minus_one, t.const_int(1, false), r, "safe")?
                    .into_int_value();
                let q = b.build_int_signed_div(l, safe_r, "q")?;
                let rem = b.build_int_signed_rem(l, safe_r, "r")?;
                // Round toward -inf: when the remainder's sign differs from the divisor's.
                let rem_nonzero = b.build_int_compare(IntPredicate::NE, rem, zero, "rnz")?;
                let signs = b.build_xor(rem, r, "signs")?;
                let differ = b.build_int_compare(IntPredicate::SLT, signs, zero, "differ")?;
                let adjust = b.build_and(rem_nonzero, differ, "adjust")?;
                if op == ArithOp::FloorDiv {
                    let q_adj = b.build_int_sub(q, t.const_int(1, false), "qadj")?;
                    let q = b
                        .build_select(adjust, q_adj, q, "floordiv")?
                        .into_int_value();
                    let negated = b.build_int_sub(zero, l, "negl")?;
                    b.build_select(by_minus_one, negated, q, "floordiv")?
                        .into_int_value()
                } else {
                    let r_adj = b.build_int_add(rem, r, "radj")?;
                    let m = b.build_select(adjust, r_adj, rem, "mod")?.into_int_value();
                    b.build_select(by_minus_one, zero, m, "mod")?
                        .into_int_value()
                }
            }
            ArithOp::Shl | ArithOp::Shr => {
                let negative = b.build_int_compare(IntPredicate::SLT, r, zero, "negshift")?;
                self.raise_if(
                    negative,
                    ExceptionId::ValueError,
                    "negative shift count",
                    line,
                )?;
                let b = &self.builder;
                let bits = t.const_int(t.get_bit_width() as u64, false);
                let too_far = b.build_int_compare(IntPredicate::SGE, r, bits, "far")?;
                let clamped = b
                    .build_select(
                        too_far,
                        t.const_int(t.get_bit_width() as u64 - 1, false),
                        r,
                        "amt",
                    )?
                    .into_int_value();
                if op == ArithOp::Shl {
                    let v = b.build_left_shift(l, clamped, "shl")?;
                    b.build_select(too_far, zero, v, "shl")?.into_int_value()
                } else {
                    b.build_right_shift(l, clamped, true, "shr")?
                }
            }
            ArithOp::Pow => {
                let i64t = self.ctx.i64_type();
                let (bl, br) = if t.get_bit_width() == 64 {
                    (l, r)
                } else {
                    (
                        b.build_int_s_extend(l, i64t, "")?,
                        b.build_int_s_extend(r, i64t, "")?,
                    )
                };
                let v = self
                    .call_runtime("__strobe_i64_pow", &[bl.into(), br.into()])?
                    .map(|v| v.into_int_value())
                    .unwrap_or(i64t.const_zero());
                self.check_exception(line)?;
                if t.get_bit_width() == 64 {
                    v
                } else {
                    self.builder.build_int_truncate(v, t, "pow")?
                }
            }
            ArithOp::Div { .. } => l,
        })
    }

    fn float_arith(
        &mut self,
        op: ArithOp,
        l: FloatValue<'ctx>,
        r: FloatValue<'ctx>,
        line: Line,
    ) -> R<FloatValue<'ctx>> {
        let t = l.get_type();
        let zero = t.const_zero();
        let is_zero = |this: &Self| {
            this.builder
                .build_float_compare(FloatPredicate::OEQ, r, zero, "fzero")
        };
        Ok(match op {
            ArithOp::Add => self.builder.build_float_add(l, r, "fadd")?,
            ArithOp::Sub => self.builder.build_float_sub(l, r, "fsub")?,
            ArithOp::Mul => self.builder.build_float_mul(l, r, "fmul")?,
            ArithOp::Div { from_int } => {
                let z = is_zero(self)?;
                let message = if from_int {
                    "division by zero"
                } else {
                    "float division by zero"
                };
                self.raise_if(z, ExceptionId::ZeroDivisionError, message, line)?;
                self.builder.build_float_div(l, r, "fdiv")?
            }
            ArithOp::Mod => {
                let z = is_zero(self)?;
                self.raise_if(z, ExceptionId::ZeroDivisionError, "float modulo", line)?;
                self.float_mod(l, r)?.0
            }
            ArithOp::FloorDiv => {
                let z = is_zero(self)?;
                self.raise_if(
                    z,
                    ExceptionId::ZeroDivisionError,
                    "float floor division by zero",
                    line,
                )?;
                let (_, div) = self.float_mod(l, r)?;
                div
            }
            ArithOp::Pow => {
                let z = self
                    .builder
                    .build_float_compare(FloatPredicate::OEQ, l, zero, "zbase")?;
                let neg =
                    self.builder
                        .build_float_compare(FloatPredicate::OLT, r, zero, "negexp")?;
                let bad = self.builder.build_and(z, neg, "bad")?;
                self.raise_if(
                    bad,
                    ExceptionId::ZeroDivisionError,
                    "0.0 cannot be raised to a negative power",
                    line,
                )?;
                self.call_intrinsic("llvm.pow", &[l.into(), r.into()])?
                    .into_float_value()
            }
            _ => l,
        })
    }

    /// CPython's `float_divmod`: returns (a % b, a // b) with Python signs.
    fn float_mod(
        &mut self,
        a: FloatValue<'ctx>,
        b: FloatValue<'ctx>,
    ) -> R<(FloatValue<'ctx>, FloatValue<'ctx>)> {
        let bd = &self.builder;
        let t = a.get_type();
        let zero = t.const_zero();
        let m = bd.build_float_rem(a, b, "fmod")?;
        let div = bd.build_float_div(bd.build_float_sub(a, m, "")?, b, "div")?;
        let m_nonzero = bd.build_float_compare(FloatPredicate::UNE, m, zero, "mnz")?;
        let b_neg = bd.build_float_compare(FloatPredicate::OLT, b, zero, "bneg")?;
        let m_neg = bd.build_float_compare(FloatPredicate::OLT, m, zero, "mneg")?;
        let differ = bd.build_xor(b_neg, m_neg, "differ")?;
        let fix = bd.build_and(m_nonzero, differ, "fix")?;
        let m_fixed = bd.build_float_add(m, b, "")?;
        let div_fixed = bd.build_float_sub(div, t.const_float(1.0), "")?;
        let m1 = bd.build_select(fix, m_fixed, m, "")?.into_float_value();
        let div1 = bd.build_select(fix, div_fixed, div, "")?.into_float_value();
        // A zero remainder takes the divisor's sign.
        let signed_zero = self
            .call_intrinsic("llvm.copysign", &[zero.into(), b.into()])?
            .into_float_value();
        let bd = &self.builder;
        let modulo = bd
            .build_select(m_nonzero, m1, signed_zero, "mod")?
            .into_float_value();
        // Snap the quotient to the nearest integer (it is within rounding error of one).
        let floor = self
            .call_intrinsic("llvm.floor", &[div1.into()])?
            .into_float_value();
        let bd = &self.builder;
        let frac = bd.build_float_sub(div1, floor, "")?;
        let round_up = bd.build_float_compare(FloatPredicate::OGT, frac, t.const_float(0.5), "")?;
        let floor_up = bd.build_float_add(floor, t.const_float(1.0), "")?;
        let q = bd
            .build_select(round_up, floor_up, floor, "")?
            .into_float_value();
        let div_nonzero = bd.build_float_compare(FloatPredicate::UNE, div1, zero, "")?;
        let quotient_sign = bd.build_float_div(a, b, "")?;
        let zero_q = self
            .call_intrinsic("llvm.copysign", &[zero.into(), quotient_sign.into()])?
            .into_float_value();
        let q = self
            .builder
            .build_select(div_nonzero, q, zero_q, "floordiv")?
            .into_float_value();
        Ok((modulo, q))
    }

    pub(crate) fn compare(
        &mut self,
        op: CmpKind,
        ty: &Type,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
    ) -> R<IntValue<'ctx>> {
        if *ty == Type::Str {
            let eq = self.str_eq(l, r)?;
            return Ok(if op == CmpKind::Ne {
                self.builder.build_not(eq, "ne")?
            } else {
                eq
            });
        }
        if *ty == Type::Float {
            let p = match op {
                CmpKind::Eq => FloatPredicate::OEQ,
                CmpKind::Ne => FloatPredicate::UNE,
                CmpKind::Lt => FloatPredicate::OLT,
                CmpKind::Le => FloatPredicate::OLE,
                CmpKind::Gt => FloatPredicate::OGT,
                CmpKind::Ge => FloatPredicate::OGE,
            };
            return Ok(self.builder.build_float_compare(
                p,
                l.into_float_value(),
                r.into_float_value(),
                "fcmp",
            )?);
        }
        let unsigned = *ty == Type::Bool;
        // (signed, unsigned) predicate; bools compare unsigned.
        let (signed, unsigned_p) = match op {
            CmpKind::Eq => (IntPredicate::EQ, IntPredicate::EQ),
            CmpKind::Ne => (IntPredicate::NE, IntPredicate::NE),
            CmpKind::Lt => (IntPredicate::SLT, IntPredicate::ULT),
            CmpKind::Le => (IntPredicate::SLE, IntPredicate::ULE),
            CmpKind::Gt => (IntPredicate::SGT, IntPredicate::UGT),
            CmpKind::Ge => (IntPredicate::SGE, IntPredicate::UGE),
        };
        let p = if unsigned { unsigned_p } else { signed };
        Ok(self
            .builder
            .build_int_compare(p, l.into_int_value(), r.into_int_value(), "cmp")?)
    }

    pub(crate) fn truthy(&mut self, v: BasicValueEnum<'ctx>, ty: &Type) -> R<IntValue<'ctx>> {
        let b = &self.builder;
        Ok(match ty {
            Type::Bool => v.into_int_value(),
            Type::Int32 | Type::Int64 => {
                let i = v.into_int_value();
                b.build_int_compare(IntPredicate::NE, i, i.get_type().const_zero(), "truthy")?
            }
            Type::Float => {
                let f = v.into_float_value();
                b.build_float_compare(FloatPredicate::UNE, f, f.get_type().const_zero(), "truthy")?
            }
            Type::Str | Type::List(_) | Type::Range(_) => {
                let n = self.len(v, ty)?;
                self.builder.build_int_compare(
                    IntPredicate::NE,
                    n,
                    n.get_type().const_zero(),
                    "truthy",
                )?
            }
            Type::Tuple(items) => self
                .ctx
                .bool_type()
                .const_int(!items.is_empty() as u64, false),
            Type::None => self.ctx.bool_type().const_zero(),
            Type::Object(_) | Type::Exception => self.ctx.bool_type().const_int(1, false),
        })
    }

    fn convert(
        &mut self,
        v: BasicValueEnum<'ctx>,
        from: &Type,
        to: &Type,
    ) -> R<BasicValueEnum<'ctx>> {
        let b = &self.builder;
        if to == &Type::Bool {
            return Ok(self.truthy(v, from)?.into());
        }
        let target = self.ll(to);
        Ok(match (from, to) {
            (Type::Float, Type::Float) => v,
            (Type::Float, _) => b
                .build_float_to_signed_int(v.into_float_value(), target.into_int_type(), "ftoi")?
                .into(),
            (Type::Bool, Type::Float) => b
                .build_unsigned_int_to_float(v.into_int_value(), target.into_float_type(), "btof")?
                .into(),
            (_, Type::Float) => b
                .build_signed_int_to_float(v.into_int_value(), target.into_float_type(), "itof")?
                .into(),
            (Type::Bool, _) => b
                .build_int_z_extend(v.into_int_value(), target.into_int_type(), "btoi")?
                .into(),
            _ => {
                let i = v.into_int_value();
                let t = target.into_int_type();
                if i.get_type().get_bit_width() < t.get_bit_width() {
                    b.build_int_s_extend(i, t, "sext")?.into()
                } else if i.get_type().get_bit_width() > t.get_bit_width() {
                    b.build_int_truncate(i, t, "trunc")?.into()
                } else {
                    i.into()
                }
            }
        })
    }

    fn short_circuit(
        &mut self,
        and: bool,
        values: &'ir [Expr],
        ty: &Type,
    ) -> R<BasicValueEnum<'ctx>> {
        let done = self.new_block(if and { "and.end" } else { "or.end" });
        let mut incoming = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let value = self.expr(v)?;
            if i + 1 == values.len() {
                incoming.push((value, self.builder.get_insert_block().expect("positioned")));
                self.builder.build_unconditional_branch(done)?;
                break;
            }
            let t = self.truthy(value, ty)?;
            let next = self.new_block("sc.next");
            incoming.push((value, self.builder.get_insert_block().expect("positioned")));
            if and {
                self.builder.build_conditional_branch(t, next, done)?;
            } else {
                self.builder.build_conditional_branch(t, done, next)?;
            }
            self.builder.position_at_end(next);
        }
        self.builder.position_at_end(done);
        let phi = self.builder.build_phi(self.ll(ty), "sc")?;
        for (v, bb) in &incoming {
            phi.add_incoming(&[(v, *bb)]);
        }
        Ok(phi.as_basic_value())
    }

    fn min_max(
        &mut self,
        max: bool,
        values: &'ir [Expr],
        ty: &Type,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let better = |this: &mut Self,
                      candidate: BasicValueEnum<'ctx>,
                      current: BasicValueEnum<'ctx>|
         -> R<BasicValueEnum<'ctx>> {
            let op = if max { CmpKind::Gt } else { CmpKind::Lt };
            let take = this.compare(op, ty, candidate, current)?;
            Ok(this
                .builder
                .build_select(take, candidate, current, "minmax")?)
        };
        if values.len() == 1 {
            // Over a list.
            let l = self.expr(&values[0])?.into_pointer_value();
            let len = self.list_len(l)?;
            let empty = self.builder.build_int_compare(
                IntPredicate::EQ,
                len,
                len.get_type().const_zero(),
                "empty",
            )?;
            let name = if max {
                "max() arg is an empty sequence"
            } else {
                "min() arg is an empty sequence"
            };
            self.raise_if(empty, ExceptionId::ValueError, name, line)?;
            let slot = self.entry_alloca(self.ll(ty), "best")?;
            let first = self.load_element(l, self.ctx.i32_type().const_zero(), ty)?;
            self.builder.build_store(slot, first)?;
            self.counted_loop(len, |this, i| {
                let item = this.load_element(l, i, ty)?;
                let cur = this.builder.build_load(this.ll(ty), slot, "")?;
                let next = better(this, item, cur)?;
                this.builder.build_store(slot, next)?;
                Ok(())
            })?;
            return Ok(self.builder.build_load(self.ll(ty), slot, "best")?);
        }
        let mut cur = self.expr(&values[0])?;
        for v in &values[1..] {
            let c = self.expr(v)?;
            cur = better(self, c, cur)?;
        }
        Ok(cur)
    }

    // ----- lists --------------------------------------------------------------------------------

    pub(crate) fn list_len(&self, list: PointerValue<'ctx>) -> R<IntValue<'ctx>> {
        let p = self
            .builder
            .build_struct_gep(self.list_header_type(), list, LIST_HEADER.index("len"), "len.ptr")?;
        Ok(self
            .builder
            .build_load(self.ctx.i32_type(), p, "len")?
            .into_int_value())
    }

    fn set_list_len(&self, list: PointerValue<'ctx>, len: IntValue<'ctx>) -> R<()> {
        let p = self
            .builder
            .build_struct_gep(self.list_header_type(), list, LIST_HEADER.index("len"), "len.ptr")?;
        self.builder.build_store(p, len)?;
        Ok(())
    }

    /// Address of element `i` (no bounds check).
    pub(crate) fn data_ptr(
        &self,
        list: PointerValue<'ctx>,
        i: IntValue<'ctx>,
        elem: &Type,
    ) -> R<PointerValue<'ctx>> {
        let p = self
            .builder
            .build_struct_gep(self.list_header_type(), list, LIST_HEADER.index("data"), "data.ptr")?;
        let data = self
            .builder
            .build_load(self.ptr_type(), p, "data")?
            .into_pointer_value();
        // SAFETY: `data` points at `cap` elements of `elem`; callers keep `i` within `len <= cap`.
        Ok(unsafe {
            self.builder
                .build_in_bounds_gep(self.ll(elem), data, &[i], "elem")?
        })
    }

    pub(crate) fn load_element(
        &self,
        list: PointerValue<'ctx>,
        i: IntValue<'ctx>,
        elem: &Type,
    ) -> R<BasicValueEnum<'ctx>> {
        let p = self.data_ptr(list, i, elem)?;
        Ok(self.builder.build_load(self.ll(elem), p, "item")?)
    }

    /// A new list of `len` (uninitialised) elements.
    fn new_list(&self, len: IntValue<'ctx>, elem: &Type, line: Line) -> R<PointerValue<'ctx>> {
        let header = self.list_header_type();
        let list = self.alloc(header.size_of_abi(self), header.align_of_abi(self), line)?;
        let et = self.ll(elem);
        let size = self.ctx.i32_type().const_int(et.size_of_abi(self), false);
        let bytes = self.builder.build_int_mul(len, size, "bytes")?;
        let data = self.alloc_dynamic(bytes, et.align_of_abi(self), line)?;
        for (field, v) in [("len", len.into()), ("cap", len.into()), ("data", data.into())] {
            let p = self
                .builder
                .build_struct_gep(header, list, LIST_HEADER.index(field), "")?;
            self.builder.build_store::<BasicValueEnum>(p, v)?;
        }
        Ok(list)
    }

    fn list_append(
        &self,
        list: PointerValue<'ctx>,
        v: BasicValueEnum<'ctx>,
        elem: &Type,
        line: Line,
    ) -> R<()> {
        let et = self.ll(elem);
        let i32t = self.ctx.i32_type();
        let args = [
            list.into(),
            i32t.const_int(1, false).into(),
            i32t.const_int(et.size_of_abi(self), false).into(),
            i32t.const_int(et.align_of_abi(self) as u64, false).into(),
        ];
        self.call_runtime("__strobe_list_reserve", &args)?;
        self.check_exception(line)?;
        let len = self.list_len(list)?;
        let p = self.data_ptr(list, len, elem)?;
        self.builder.build_store(p, v)?;
        let next = self
            .builder
            .build_int_add(len, i32t.const_int(1, false), "len")?;
        self.set_list_len(list, next)
    }

    fn copy_elements(
        &self,
        dst: PointerValue<'ctx>,
        dst_index: IntValue<'ctx>,
        src: PointerValue<'ctx>,
        count: IntValue<'ctx>,
        elem: &Type,
    ) -> R<()> {
        let et = self.ll(elem);
        let to = self.data_ptr(dst, dst_index, elem)?;
        let from = self.data_ptr(src, self.ctx.i32_type().const_zero(), elem)?;
        let bytes = self.builder.build_int_mul(
            count,
            self.ctx.i32_type().const_int(et.size_of_abi(self), false),
            "bytes",
        )?;
        let align = et.align_of_abi(self);
        self.builder
            .build_memcpy(to, align, from, align, bytes)
            .map_err(|e| crate::CodegenError::Llvm(e.to_string()))?;
        Ok(())
    }

    fn list_concat(
        &mut self,
        left: &'ir Expr,
        right: &'ir Expr,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let Type::List(elem) = &left.ty else {
            return Ok(self.ptr_type().const_null().into());
        };
        let a = self.expr(left)?.into_pointer_value();
        let b = self.expr(right)?.into_pointer_value();
        let (la, lb) = (self.list_len(a)?, self.list_len(b)?);
        let total = self.builder.build_int_add(la, lb, "total")?;
        let out = self.new_list(total, elem, line)?;
        self.copy_elements(out, self.ctx.i32_type().const_zero(), a, la, elem)?;
        self.copy_elements(out, la, b, lb, elem)?;
        Ok(out.into())
    }

    fn list_repeat(
        &mut self,
        list: &'ir Expr,
        count: &'ir Expr,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let Type::List(elem) = &list.ty else {
            return Ok(self.ptr_type().const_null().into());
        };
        let src = self.expr(list)?.into_pointer_value();
        let n = self.expr(count)?.into_int_value();
        let n = if n.get_type().get_bit_width() == 32 {
            n
        } else {
            self.builder
                .build_int_truncate(n, self.ctx.i32_type(), "n")?
        };
        let positive = self.builder.build_int_compare(
            IntPredicate::SGT,
            n,
            n.get_type().const_zero(),
            "pos",
        )?;
        let n = self
            .builder
            .build_select(positive, n, n.get_type().const_zero(), "n")?
            .into_int_value();
        let len = self.list_len(src)?;
        let total = self.builder.build_int_mul(len, n, "total")?;
        let out = self.new_list(total, elem, line)?;
        self.counted_loop(n, |this, i| {
            let at = this.builder.build_int_mul(i, len, "at")?;
            this.copy_elements(out, at, src, len, elem)
        })?;
        Ok(out.into())
    }

    fn contains(&mut self, item: &'ir Expr, container: &'ir Expr) -> R<IntValue<'ctx>> {
        let x = self.expr(item)?;
        let c = self.expr(container)?;
        match &container.ty {
            Type::Range(_) => {
                let r = c.into_struct_value();
                let start = self.builder.build_extract_value(r, 0, "")?.into_int_value();
                let stop = self.builder.build_extract_value(r, 1, "")?.into_int_value();
                let step = self.builder.build_extract_value(r, 2, "")?.into_int_value();
                let x = x.into_int_value();
                let b = &self.builder;
                let zero = start.get_type().const_zero();
                let pos = b.build_int_compare(IntPredicate::SGT, step, zero, "")?;
                let in_up = b.build_and(
                    b.build_int_compare(IntPredicate::SGE, x, start, "")?,
                    b.build_int_compare(IntPredicate::SLT, x, stop, "")?,
                    "",
                )?;
                let in_down = b.build_and(
                    b.build_int_compare(IntPredicate::SLE, x, start, "")?,
                    b.build_int_compare(IntPredicate::SGT, x, stop, "")?,
                    "",
                )?;
                let inside = b.build_select(pos, in_up, in_down, "")?.into_int_value();
                let offset = b.build_int_sub(x, start, "")?;
                let rem = b.build_int_signed_rem(offset, step, "")?;
                let on_step = b.build_int_compare(IntPredicate::EQ, rem, zero, "")?;
                Ok(b.build_and(inside, on_step, "in")?)
            }
            Type::List(elem) => {
                let list = c.into_pointer_value();
                let found = self.entry_alloca(self.ctx.bool_type(), "found")?;
                self.builder
                    .build_store(found, self.ctx.bool_type().const_zero())?;
                let len = self.list_len(list)?;
                self.counted_loop(len, |this, i| {
                    let v = this.load_element(list, i, elem)?;
                    let eq = this.compare(CmpKind::Eq, elem, v, x)?;
                    let prev = this
                        .builder
                        .build_load(this.ctx.bool_type(), found, "")?
                        .into_int_value();
                    let now = this.builder.build_or(prev, eq, "")?;
                    this.builder.build_store(found, now)?;
                    Ok(())
                })?;
                Ok(self
                    .builder
                    .build_load(self.ctx.bool_type(), found, "found")?
                    .into_int_value())
            }
            _ => Ok(self.ctx.bool_type().const_zero()),
        }
    }

    pub(crate) fn len(&mut self, v: BasicValueEnum<'ctx>, ty: &Type) -> R<IntValue<'ctx>> {
        Ok(match ty {
            Type::List(_) => self.list_len(v.into_pointer_value())?,
            Type::Str => self
                .builder
                .build_extract_value(v.into_struct_value(), 1, "len")?
                .into_int_value(),
            Type::Tuple(items) => self.ctx.i32_type().const_int(items.len() as u64, false),
            Type::Range(_) => {
                let r = v.into_struct_value();
                let b = &self.builder;
                let start = b.build_extract_value(r, 0, "")?.into_int_value();
                let stop = b.build_extract_value(r, 1, "")?.into_int_value();
                let step = b.build_extract_value(r, 2, "")?.into_int_value();
                let t = start.get_type();
                let zero = t.const_zero();
                let one = t.const_int(1, false);
                // len = max(0, (stop - start + step -/+ 1) / step)
                let pos = b.build_int_compare(IntPredicate::SGT, step, zero, "")?;
                let adj = b
                    .build_select(
                        pos,
                        b.build_int_sub(step, one, "")?,
                        b.build_int_add(step, one, "")?,
                        "",
                    )?
                    .into_int_value();
                let span = b.build_int_add(b.build_int_sub(stop, start, "")?, adj, "")?;
                let n = b.build_int_signed_div(span, step, "")?;
                let neg = b.build_int_compare(IntPredicate::SLT, n, zero, "")?;
                let n = b.build_select(neg, zero, n, "")?.into_int_value();
                if t.get_bit_width() == 32 {
                    n
                } else {
                    b.build_int_truncate(n, self.ctx.i32_type(), "len")?
                }
            }
            _ => self.ctx.i32_type().const_zero(),
        })
    }

    /// `for i in 0..n: body(i)` at codegen level.
    pub(crate) fn counted_loop(
        &mut self,
        n: IntValue<'ctx>,
        mut body: impl FnMut(&mut Self, IntValue<'ctx>) -> R<()>,
    ) -> R<()> {
        let i32t = self.ctx.i32_type();
        let counter = self.entry_alloca(i32t, "k")?;
        self.builder.build_store(counter, i32t.const_zero())?;
        let (head, body_bb, done) = (
            self.new_block("loop.head"),
            self.new_block("loop.body"),
            self.new_block("loop.end"),
        );
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(head);
        let i = self
            .builder
            .build_load(i32t, counter, "k")?
            .into_int_value();
        let n32 = if n.get_type().get_bit_width() == 32 {
            n
        } else {
            self.builder.build_int_truncate(n, i32t, "")?
        };
        let go = self
            .builder
            .build_int_compare(IntPredicate::SLT, i, n32, "go")?;
        self.builder.build_conditional_branch(go, body_bb, done)?;
        self.builder.position_at_end(body_bb);
        body(self, i)?;
        let next = self
            .builder
            .build_int_add(i, i32t.const_int(1, false), "")?;
        self.builder.build_store(counter, next)?;
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    // ----- strings ------------------------------------------------------------------------------

    pub(crate) fn str_parts(
        &self,
        s: BasicValueEnum<'ctx>,
    ) -> R<(BasicMetadataValueEnum<'ctx>, BasicMetadataValueEnum<'ctx>)> {
        let sv = s.into_struct_value();
        let ptr = self.builder.build_extract_value(sv, 0, "ptr")?;
        let len = self.builder.build_extract_value(sv, 1, "len")?;
        Ok((ptr.into(), len.into()))
    }

    fn str_eq(&self, a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>) -> R<IntValue<'ctx>> {
        let (ap, al) = self.str_parts(a)?;
        let (bp, bl) = self.str_parts(b)?;
        let v = self.call_runtime("__strobe_str_eq", &[ap, al, bp, bl])?;
        Ok(v.map(|v| v.into_int_value())
            .unwrap_or(self.ctx.bool_type().const_zero()))
    }

    fn str_concat(
        &self,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let (ap, al) = self.str_parts(a)?;
        let (bp, bl) = self.str_parts(b)?;
        let out = self.entry_alloca(self.str_type(), "concat")?;
        self.call_runtime("__strobe_str_concat", &[ap, al, bp, bl, out.into()])?;
        self.check_exception(line)?;
        Ok(self.builder.build_load(self.str_type(), out, "s")?)
    }

    pub(crate) fn stringify(
        &mut self,
        v: BasicValueEnum<'ctx>,
        ty: &Type,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let via = |this: &Self, f: &str| -> R<BasicValueEnum<'ctx>> {
            let out = this.entry_alloca(this.str_type(), "str")?;
            this.call_runtime(f, &[v.into(), out.into()])?;
            this.check_exception(line)?;
            Ok(this.builder.build_load(this.str_type(), out, "s")?)
        };
        match ty {
            Type::Str => Ok(v),
            Type::Int32 => via(self, "__strobe_str_from_i32"),
            Type::Int64 => via(self, "__strobe_str_from_i64"),
            Type::Float => via(self, "__strobe_str_from_f64"),
            Type::Bool => {
                let (t, f) = (self.const_str("True")?, self.const_str("False")?);
                Ok(self
                    .builder
                    .build_select(v.into_int_value(), t, f, "bool")?)
            }
            Type::Exception => {
                let p = self.builder.build_struct_gep(
                    self.exception_type(),
                    v.into_pointer_value(),
                    EXCEPTION.index("message"),
                    "msg",
                )?;
                Ok(self.builder.build_load(self.str_type(), p, "msg")?)
            }
            _ => Ok(self.const_str("None")?.into()),
        }
    }
}

//! Numbers: integer arithmetic follows CPython where values fit (floor division and modulo round
//! toward -inf; division by zero raises), wrapping on overflow like the hardware; float arithmetic,
//! comparisons, truthiness, conversions, `and`/`or`, `min`/`max`.

use crate::emit::{Gen, R};
use inkwell::types::IntType;
use inkwell::values::{BasicValueEnum, FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};
use strobe_abi::ExceptionId;
use strobe_ir::{ArithOp, CmpKind, Expr, Line, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn int_arith(
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

    pub(crate) fn float_arith(
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
    pub(crate) fn float_mod(
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

    /// `l op r` for numbers, bools and strings.
    pub(crate) fn compare_scalars(
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
                CmpKind::Same => FloatPredicate::OEQ,
                CmpKind::NotSame => FloatPredicate::UNE,
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
            CmpKind::Same => (IntPredicate::EQ, IntPredicate::EQ),
            CmpKind::NotSame => (IntPredicate::NE, IntPredicate::NE),
        };
        let p = if unsigned { unsigned_p } else { signed };
        Ok(self
            .builder
            .build_int_compare(p, l.into_int_value(), r.into_int_value(), "cmp")?)
    }

    /// Python truthiness of `v`; an array of more than one element raises ValueError at `line`.
    pub(crate) fn truthy(
        &mut self,
        v: BasicValueEnum<'ctx>,
        ty: &Type,
        line: Line,
    ) -> R<IntValue<'ctx>> {
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
            Type::Str | Type::List(_) | Type::Bytes | Type::ByteArray | Type::Range(_) => {
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
            Type::Array(elem, _) => self.array_truthy(v.into_pointer_value(), elem, line)?,
            Type::None | Type::Byte => self.ctx.bool_type().const_zero(),
            Type::Object(_) | Type::Exception => self.ctx.bool_type().const_int(1, false),
        })
    }

    /// `x` truncated toward zero to an integer of type `ty`, as CPython's `int()` but bounded:
    /// NaN raises ValueError, infinity or a value beyond `ty`'s range OverflowError.
    pub(crate) fn float_to_int(
        &self,
        x: FloatValue<'ctx>,
        ty: IntType<'ctx>,
        line: Line,
    ) -> R<IntValue<'ctx>> {
        let b = &self.builder;
        let f64t = self.ctx.f64_type();
        let nan = b.build_float_compare(FloatPredicate::UNO, x, x, "nan")?;
        self.raise_if(
            nan,
            ExceptionId::ValueError,
            "cannot convert float NaN to integer",
            line,
        )?;
        let magnitude = self.call_intrinsic("llvm.fabs", &[x.into()])?;
        let infinite = b.build_float_compare(
            FloatPredicate::OEQ,
            magnitude.into_float_value(),
            f64t.const_float(f64::INFINITY),
            "inf",
        )?;
        self.raise_if(
            infinite,
            ExceptionId::OverflowError,
            "cannot convert float infinity to integer",
            line,
        )?;
        // Truncation fits when -2^(n-1) - 1 < x < 2^(n-1) (both bounds exact doubles for n = 32;
        // for n = 64 the lower one rounds to -2^63, which truncates exactly).
        let half = 2f64.powi(ty.get_bit_width() as i32 - 1);
        let low = f64t.const_float(-half - 1.0);
        let fits_low = b.build_float_compare(FloatPredicate::OGT, x, low, "")?;
        let fits_high =
            b.build_float_compare(FloatPredicate::OLT, x, f64t.const_float(half), "")?;
        let fits = b.build_and(fits_low, fits_high, "")?;
        let beyond = b.build_not(fits, "")?;
        let message = format!("float out of range for int{}", ty.get_bit_width());
        self.raise_if(beyond, ExceptionId::OverflowError, &message, line)?;
        Ok(self.builder.build_float_to_signed_int(x, ty, "ftoi")?)
    }

    pub(crate) fn convert(
        &mut self,
        v: BasicValueEnum<'ctx>,
        from: &Type,
        to: &Type,
    ) -> R<BasicValueEnum<'ctx>> {
        let b = &self.builder;
        if to == &Type::Bool {
            // Numbers only: anything else becomes a bool through `ExprKind::Truthy`, with its line.
            return Ok(self.truthy(v, from, Line(0))?.into());
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

    pub(crate) fn short_circuit(
        &mut self,
        and: bool,
        values: &'ir [Expr],
        ty: &Type,
        line: Line,
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
            let t = self.truthy(value, ty, line)?;
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

    pub(crate) fn min_max(
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
}

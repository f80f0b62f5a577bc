//! Expressions: one `match` over the IR's expression kinds, delegating to the modules of each
//! concern (numbers, lists, strings, the timeline).

use crate::emit::{Gen, Layout, R};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum};
use inkwell::{FloatPredicate, IntPredicate};
use strobe_abi::ExceptionId;
use strobe_ir::{Expr, ExprKind, Line, MathFn, Type};

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
            ExprKind::CheckedLocal { local, flag, line } => {
                let bool_t = self.ctx.bool_type();
                let assigned = b
                    .build_load(bool_t, self.local_slot(*flag), "assigned")?
                    .into_int_value();
                let unbound = b.build_not(assigned, "unbound")?;
                let name = &self
                    .func
                    .map(|f| f.local(*local).name.clone())
                    .unwrap_or_default();
                let message = format!(
                    "cannot access local variable '{name}' where it is not associated with a value"
                );
                self.raise_if(unbound, ExceptionId::UnboundLocalError, &message, *line)?;
                self.builder
                    .build_load(self.ll(&e.ty), self.local_slot(*local), "")?
            }
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
                let (item, message) = match &list.ty {
                    Type::Bytes | Type::ByteArray => (&Type::Byte, "index out of range"),
                    _ => (&e.ty, "list index out of range"),
                };
                let p = self.element_ptr(l, i, item, *line, message)?;
                self.load_item(p, item)?
            }
            ExprKind::BytesLit(items) => self.bytes_literal(items, Line(0))?,
            ExprKind::ToBytes { value, line } => self.bytes_from(value, *line)?,
            ExprKind::Slice {
                value,
                bounds,
                line,
            } => self.slice(value, bounds, *line)?,
            ExprKind::ArrayFrom { value, line } => self.array_from(value, &e.ty, *line)?,
            ExprKind::ArrayShape(array) => self.array_shape_tuple(array)?,
            ExprKind::ArrayIndex {
                array,
                indices,
                line,
            } => self.array_index(array, indices, *line)?,
            ExprKind::ArraySlice { array, start, stop } => {
                self.array_slice(array, start.as_deref(), stop.as_deref(), Line(0))?
            }
            ExprKind::ArrayMap {
                operands,
                body,
                in_place,
                line,
            } => self.array_map(operands, body, *in_place, *line)?,
            ExprKind::MatMul { left, right, line } => self.matmul(left, right, &e.ty, *line)?,
            ExprKind::TupleGet { tuple, index } => {
                let t = self.expr(tuple)?.into_struct_value();
                self.builder.build_extract_value(t, *index, "")?
            }
            ExprKind::Call { func, args, line } => {
                let mut values: Vec<BasicMetadataValueEnum> = Vec::new();
                for a in args {
                    values.push(self.expr(a)?.into());
                }
                self.call_kernel_function(*func, &values, *line)?
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
                    self.call_kernel_function(*func, &values, *line)?;
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
            ExprKind::ShortCircuit { and, values, line } => {
                self.short_circuit(*and, values, &e.ty, *line)?
            }
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
            ExprKind::Truthy { value: v, line } => {
                let value = self.expr(v)?;
                self.truthy(value, &v.ty, *line)?.into()
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
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.expr(item)?);
                }
                if !self.copy_constant_items(list, &values, elem)? {
                    for (i, v) in values.into_iter().enumerate() {
                        let idx = self.ctx.i32_type().const_int(i as u64, false);
                        let p = self.data_ptr(list, idx, elem)?;
                        self.builder.build_store(p, v)?;
                    }
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
                        .float_to_int(r.into_float_value(), self.ctx.i32_type(), *line)?
                        .into(),
                    _ => r,
                }
            }
            ExprKind::Libm { fun, args } => {
                let mut values = Vec::new();
                for a in args {
                    values.push(self.expr(a)?.into());
                }
                self.call_libm(fun.symbol, &values)?
            }
            ExprKind::Round { value, line } => {
                let f = self.expr(value)?;
                let r = self
                    .call_intrinsic("llvm.roundeven", &[f])?
                    .into_float_value();
                self.float_to_int(r, self.ctx.i32_type(), *line)?.into()
            }
            ExprKind::FloatToInt { value, line } => {
                let f = self.expr(value)?.into_float_value();
                let ty = self.ll(&e.ty).into_int_type();
                self.float_to_int(f, ty, *line)?.into()
            }
            ExprKind::Intrinsic { op, args, line } => self.intrinsic(*op, args, *line)?,
            ExprKind::Quoted { slot, line } => self.quoted(*slot, &e.ty, *line)?,
            ExprKind::SecondsToMu {
                seconds,
                mu_per_second,
            } => {
                // `delay(t)`: mu = t / period rounded half away from zero (truncating mu + 0.5, or
                // 0.5 - mu), so `delay(8*us)` is 8000 mu exactly (ARTIQ's test_rounding), where
                // `core.seconds_to_mu` floors as ARTIQ's does.
                let s = self.expr(seconds)?.into_float_value();
                let f64t = self.ctx.f64_type();
                let period = f64t.const_float(1.0 / *mu_per_second as f64);
                let half = f64t.const_float(0.5);
                let b = &self.builder;
                let mu = b.build_float_div(s, period, "mu")?;
                let up = b.build_float_to_signed_int(
                    b.build_float_add(mu, half, "")?,
                    self.ctx.i64_type(),
                    "up",
                )?;
                let down = b.build_int_neg(
                    b.build_float_to_signed_int(
                        b.build_float_sub(half, mu, "")?,
                        self.ctx.i64_type(),
                        "",
                    )?,
                    "down",
                )?;
                let nonnegative =
                    b.build_float_compare(FloatPredicate::OGE, mu, f64t.const_zero(), "")?;
                b.build_select(nonnegative, up, down, "mu")?
            }
        })
    }
}

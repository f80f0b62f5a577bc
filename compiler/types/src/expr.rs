//! Expressions: every expression records its type (and what it refers to) in the instance.

use crate::builtins::Builtin;
use crate::consts::{evaluate, ConstValue};
use crate::infer::{Checker, Ctx};
use crate::program::Resolution;
use crate::solve::Deferred;
use crate::ty::{Callable, Ty};
use strobe_syntax::ast::{self, BoolOp, ExprKind, FStringPart, UnaryOp};

impl Checker<'_> {
    /// Type of a value expression (functions and classes are rejected: they cannot be values).
    pub(crate) fn expr(&mut self, ctx: &mut Ctx, e: &ast::Expr) -> Ty {
        self.value_or(ctx, e, |_| false)
    }

    /// Type of `e`, refused if it is a function or class (a callable `allowed` lets through).
    fn value_or(&mut self, ctx: &mut Ctx, e: &ast::Expr, allowed: fn(&Callable) -> bool) -> Ty {
        let t = self.expr_allow_callable(ctx, e);
        if let Some(c) = self.callable(&t).filter(|c| !allowed(c)) {
            let message = match c {
                Callable::Class(_) => "this is a class; kernels can call it but cannot store or pass it (closures must not escape)".to_string(),
                Callable::Module(m) => format!("this is the module `{}`: use its functions (`m.sqrt(x)`), or pass it to a function", m.name()),
                _ => "this is a function; kernels can call it but cannot store or pass it (closures must not escape)".to_string(),
            };
            self.error(e.span, message);
        }
        t
    }

    /// Type of a call's argument: a value, or a function (the callee is made for it, as for any
    /// other argument type, and calls it directly; it cannot keep it).
    fn argument(&mut self, ctx: &mut Ctx, e: &ast::Expr) -> Ty {
        let t = self.expr_allow_callable(ctx, e);
        match self.callable(&t) {
            None | Some(Callable::Function(_) | Callable::Nested(..) | Callable::Module(_)) => {}
            Some(Callable::Class(_)) => self.error(e.span, "this is a class; kernels can call it but cannot pass it"),
            Some(_) => self.error(e.span, "this is a method or builtin; kernels can call it but cannot pass it (pass a function)"),
        }
        t
    }

    /// Type of the object of an attribute access: a value, or a class (`C.attr`).
    pub(crate) fn attribute_owner(&mut self, ctx: &mut Ctx, e: &ast::Expr) -> Ty {
        self.value_or(ctx, e, |c| matches!(c, Callable::Class(_)))
    }

    /// Type of an expression that may be a callee (`f` in `f(x)`) or a raised exception class.
    pub(crate) fn expr_allow_callable(&mut self, ctx: &mut Ctx, e: &ast::Expr) -> Ty {
        let (ty, resolution) = self.expr_kind(ctx, e);
        self.record(ctx.inst, e.id, ty.clone(), resolution);
        ty
    }

    fn constant(&mut self, value: ConstValue) -> (Ty, Option<Resolution>) {
        let ty = value.ty();
        (ty, Some(Resolution::Constant(value)))
    }

    fn name(&mut self, ctx: &mut Ctx, e: &ast::Expr, n: &str) -> (Ty, Option<Resolution>) {
        if let Some(local) = ctx.shadow(n) {
            return (
                self.local_ty(ctx.inst, local),
                Some(Resolution::Local(local)),
            );
        }
        if let Some(local) = self.lookup_local(ctx.inst, n) {
            return (
                self.local_ty(ctx.inst, local),
                Some(Resolution::Local(local)),
            );
        }
        if let Some(v) = self.constants.get(n).cloned() {
            return self.constant(v);
        }
        if let Some(&def) = self.function_by_name.get(n) {
            return (
                Ty::Callable(Callable::Function(def)),
                Some(Resolution::Function),
            );
        }
        if let Some(&c) = self.class_by_name.get(n) {
            return (Ty::Callable(Callable::Class(c)), Some(Resolution::Class(c)));
        }
        if let Some(b) = Builtin::lookup(n).or_else(|| self.math_imports.get(n).copied()) {
            return (
                Ty::Callable(Callable::Builtin(b)),
                Some(Resolution::Builtin(b)),
            );
        }
        if let Some(&module) = self.function_modules.get(n) {
            // A value only as a call argument (`argument()` lets it through).
            return (
                Ty::Callable(Callable::Module(module)),
                Some(Resolution::Function),
            );
        }
        self.error(e.span, format!("undefined name `{n}`"));
        (self.table.fresh(), None)
    }

    fn expr_kind(&mut self, ctx: &mut Ctx, e: &ast::Expr) -> (Ty, Option<Resolution>) {
        match &e.kind {
            ExprKind::Int(v) => {
                if i32::try_from(*v).is_ok() {
                    (self.table.fresh_int_literal(), None)
                } else {
                    (Ty::Int64, None)
                }
            }
            ExprKind::Float(_) => (Ty::Float, None),
            ExprKind::Bool(_) => (Ty::Bool, None),
            ExprKind::Str(_) | ExprKind::FString(_) => {
                if let ExprKind::FString(parts) = &e.kind {
                    for p in parts {
                        if let FStringPart::Value(v) = p {
                            self.expr(ctx, v);
                        }
                    }
                }
                (Ty::Str, None)
            }
            ExprKind::NoneLit => (Ty::None, None),
            ExprKind::Bytes(_) => (Ty::Bytes, None),
            ExprKind::Name(n) => self.name(ctx, e, n),
            ExprKind::Attribute { value, attr } if self.function_module(ctx, value).is_some() => {
                let module = self.function_module(ctx, value).expect("checked");
                if let Some(b) = module.member(&attr.name) {
                    (
                        Ty::Callable(Callable::Builtin(b)),
                        Some(Resolution::Builtin(b)),
                    )
                } else if let Some(v) = Builtin::math_constant(&attr.name) {
                    self.constant(ConstValue::Float(v))
                } else {
                    self.error(
                        attr.span,
                        format!(
                            "`{}.{}` is not available in kernels",
                            module.name(),
                            attr.name
                        ),
                    );
                    (self.table.fresh(), None)
                }
            }
            ExprKind::Attribute { value, attr } => {
                let obj = self.attribute_owner(ctx, value);
                let result = self.table.fresh();
                self.deferred.push(Deferred::Attribute {
                    obj,
                    attr: attr.name.clone(),
                    result: result.clone(),
                    callee: false,
                    span: e.span,
                    site: (ctx.inst, e.id),
                });
                (result, None)
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.call(ctx, e, func, args, keywords),
            ExprKind::BinOp { op, left, right } => {
                let (l, r) = (self.expr(ctx, left), self.expr(ctx, right));
                // Arithmetic on literals whose value needs 64 bits is int64, as such a literal is
                // (never wrapped to 32 bits).
                let result = match crate::consts::literal_arithmetic(e) {
                    Some(Ok(v)) if i32::try_from(v).is_err() => Ty::Int64,
                    Some(Err(())) => {
                        self.error(
                            e.span,
                            "this constant does not fit a 64-bit integer (kernel integers are int32 or int64)",
                        );
                        self.table.fresh()
                    }
                    _ => self.table.fresh(),
                };
                self.deferred.push(Deferred::BinOp {
                    op: *op,
                    left: l,
                    right: r,
                    result: result.clone(),
                    span: e.span,
                });
                (result, None)
            }
            ExprKind::UnaryOp { op, operand } => {
                let t = self.expr(ctx, operand);
                match op {
                    UnaryOp::Not => (Ty::Bool, None),
                    UnaryOp::Neg | UnaryOp::Pos | UnaryOp::Invert => {
                        self.deferred.push(Deferred::Elementwise {
                            ty: t.clone(),
                            integer: *op == UnaryOp::Invert,
                            span: operand.span,
                        });
                        (t, None)
                    }
                }
            }
            ExprKind::BoolOp { op, values } => {
                let first = self.expr(ctx, &values[0]);
                for v in &values[1..] {
                    let t = self.expr(ctx, v);
                    let what = if *op == BoolOp::And {
                        "`and` operands"
                    } else {
                        "`or` operands"
                    };
                    self.unify(&first, &t, v.span, what);
                }
                (first, None)
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                let mut l = self.expr(ctx, left);
                for (op, right) in ops.iter().zip(comparators.iter()) {
                    let r = self.expr(ctx, right);
                    self.deferred.push(Deferred::Compare {
                        op: *op,
                        left: l,
                        right: r.clone(),
                        span: e.span,
                    });
                    l = r;
                }
                (Ty::Bool, None)
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.condition(ctx, test);
                let a = self.expr(ctx, body);
                let b = self.expr(ctx, orelse);
                self.unify(
                    &a,
                    &b,
                    orelse.span,
                    "the branches of a conditional expression",
                );
                (a, None)
            }
            ExprKind::List(items) => {
                let elem = self.table.fresh();
                for i in items {
                    let t = self.expr(ctx, i);
                    self.unify(&elem, &t, i.span, "a list element");
                }
                (Ty::List(Box::new(elem)), None)
            }
            ExprKind::Tuple(items) => {
                let tys = items.iter().map(|i| self.expr(ctx, i)).collect();
                (Ty::Tuple(tys), None)
            }
            ExprKind::Subscript { value, index } => {
                let v = self.expr(ctx, value);
                let i = self.expr(ctx, index);
                let constant_index = match evaluate(index, &self.constants) {
                    Ok(ConstValue::Int(k)) => Some(k),
                    _ => None,
                };
                let result = self.table.fresh();
                self.deferred.push(Deferred::Subscript {
                    value: v,
                    index: i,
                    constant_index,
                    result: result.clone(),
                    span: e.span,
                });
                (result, None)
            }
            ExprKind::Slice {
                value,
                lower,
                upper,
                step,
            } => {
                let v = self.expr(ctx, value);
                self.slice_bounds(ctx, [lower, upper, step]);
                let result = self.table.fresh();
                self.deferred.push(Deferred::Slice {
                    value: v,
                    result: result.clone(),
                    stepped: step.is_some(),
                    span: e.span,
                });
                (result, None)
            }
            ExprKind::ListComp {
                elt,
                target,
                iter,
                conds,
            } => {
                let it = self.expr(ctx, iter);
                let item = self.table.fresh();
                self.deferred.push(Deferred::Iterate {
                    iterable: it,
                    item: item.clone(),
                    span: iter.span,
                });
                // The comprehension's variables get their own locals, visible only inside it.
                let names: Vec<&ast::Expr> = match &target.kind {
                    ExprKind::Name(_) => vec![&**target],
                    ExprKind::Tuple(items)
                        if items.iter().all(|i| matches!(i.kind, ExprKind::Name(_))) =>
                    {
                        items.iter().collect()
                    }
                    _ => {
                        self.error(target.span, "a comprehension variable must be a name or a tuple of names in kernels");
                        return (self.table.fresh(), None);
                    }
                };
                let shadows_before = ctx.shadows.len();
                let mut parts = Vec::new();
                for name_expr in names {
                    let ExprKind::Name(n) = &name_expr.kind else {
                        continue;
                    };
                    let ty = self.table.fresh();
                    let local = {
                        let inst = &mut self.instances[ctx.inst.0 as usize];
                        inst.locals.push(crate::program::LocalInfo {
                            name: format!("{n}.{}", name_expr.id.0),
                            ty: ty.clone(),
                            captured_from: None,
                        });
                        crate::program::LocalId(inst.locals.len() as u32 - 1)
                    };
                    self.record(
                        ctx.inst,
                        name_expr.id,
                        ty.clone(),
                        Some(Resolution::Local(local)),
                    );
                    ctx.shadows.push((n.clone(), local));
                    parts.push(ty);
                }
                let pattern = if matches!(target.kind, ExprKind::Name(_)) {
                    parts.remove(0)
                } else {
                    Ty::Tuple(parts)
                };
                self.unify(&pattern, &item, target.span, "the comprehension variables");
                for c in conds {
                    self.condition(ctx, c);
                }
                let elem = self.expr(ctx, elt);
                ctx.shadows.truncate(shadows_before);
                (Ty::List(Box::new(elem)), None)
            }
        }
    }

    fn call(
        &mut self,
        ctx: &mut Ctx,
        e: &ast::Expr,
        func: &ast::Expr,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
    ) -> (Ty, Option<Resolution>) {
        let callee = match &func.kind {
            ExprKind::Attribute { value, .. } if self.function_module(ctx, value).is_some() => {
                self.expr_allow_callable(ctx, func)
            }
            ExprKind::Attribute { value, attr } => {
                let obj = self.attribute_owner(ctx, value);
                let result = self.table.fresh();
                self.deferred.push(Deferred::Attribute {
                    obj,
                    attr: attr.name.clone(),
                    result: result.clone(),
                    callee: true,
                    span: func.span,
                    site: (ctx.inst, func.id),
                });
                self.record(ctx.inst, func.id, result.clone(), None);
                result
            }
            _ => self.expr_allow_callable(ctx, func),
        };
        if let Some(Callable::Builtin(b)) = self.callable(&callee) {
            return (self.builtin_call(ctx, e, b, args, keywords), None);
        }
        let arg_tys: Vec<(crate::Ty, strobe_syntax::Span)> = args
            .iter()
            .map(|a| (self.argument(ctx, a), a.span))
            .collect();
        let kw_tys = keywords
            .iter()
            .map(|k| {
                let t = self.argument(ctx, &k.value);
                (k.name.name.clone(), t, k.value.span)
            })
            .collect();
        let result = self.table.fresh();
        self.deferred.push(Deferred::Call {
            callee,
            args: arg_tys,
            keywords: kw_tys,
            kw_exprs: keywords.to_vec(),
            result: result.clone(),
            span: e.span,
            site: (ctx.inst, e.id),
        });
        (result, None)
    }

    fn builtin_call(
        &mut self,
        ctx: &mut Ctx,
        e: &ast::Expr,
        b: Builtin,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
    ) -> Ty {
        let name = b.name();
        if !matches!(b, Builtin::Print | Builtin::CoreLog) {
            if let Some(k) = keywords.first() {
                self.error(
                    k.name.span,
                    format!("`{name}()` takes no keyword arguments"),
                );
            }
        }
        let arity = |this: &mut Self, range: std::ops::RangeInclusive<usize>| {
            if !range.contains(&args.len()) {
                let want = if range.start() == range.end() {
                    range.start().to_string()
                } else {
                    format!("{} to {}", range.start(), range.end())
                };
                this.error(
                    e.span,
                    format!(
                        "`{name}()` takes {want} argument(s) but {} were given",
                        args.len()
                    ),
                );
                false
            } else {
                true
            }
        };
        match b {
            Builtin::Quoted => {
                // The slot is a literal; the value has the exemplar's type.
                if !arity(self, 2..=2) {
                    return self.table.fresh();
                }
                if !matches!(args[0].kind, ast::ExprKind::Int(n) if n >= 0 && n <= u32::MAX as i64)
                {
                    self.error(
                        args[0].span,
                        "the slot of `__strobe_quoted()` is a literal number",
                    );
                }
                let slot = self.expr(ctx, &args[0]);
                self.unify(&Ty::Int32, &slot, args[0].span, "the quoted value's slot");
                self.expr(ctx, &args[1])
            }
            Builtin::RtioLog => {
                // As ARTIQ's: its text first, then any values (keywords refused above).
                if args.is_empty() {
                    self.error(
                        e.span,
                        "`rtio_log()` takes its text (and any values after it)",
                    );
                }
                for a in args {
                    self.expr(ctx, a);
                }
                Ty::None
            }
            Builtin::Print | Builtin::CoreLog => {
                for a in args {
                    self.expr(ctx, a);
                }
                for k in keywords {
                    if k.name.name != "sep" && k.name.name != "end" {
                        self.error(
                            k.name.span,
                            format!("`{name}()` has no keyword `{}` in kernels", k.name.name),
                        );
                        continue;
                    }
                    let t = self.expr(ctx, &k.value);
                    self.unify(
                        &Ty::Str,
                        &t,
                        k.value.span,
                        &format!("print's `{}`", k.name.name),
                    );
                }
                Ty::None
            }
            Builtin::Len => {
                if arity(self, 1..=1) {
                    let t = self.expr(ctx, &args[0]);
                    self.deferred.push(Deferred::Len {
                        value: t,
                        span: args[0].span,
                    });
                }
                Ty::Int32
            }
            Builtin::Range => {
                if !arity(self, 1..=3) {
                    return Ty::Range(Box::new(Ty::Int32));
                }
                let elem = self.table.fresh_int_literal();
                for a in args {
                    let t = self.expr(ctx, a);
                    self.unify(&elem, &t, a.span, "a range bound");
                }
                Ty::Range(Box::new(elem))
            }
            Builtin::Int
            | Builtin::Int32
            | Builtin::Int64
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Str
            | Builtin::Abs => {
                // `int()`, `float()`, `bool()`, `str()` without an argument: zero, False, "".
                if args.is_empty() && b != Builtin::Abs {
                    return match b {
                        Builtin::Int | Builtin::Int32 => Ty::Int32,
                        Builtin::Int64 => Ty::Int64,
                        Builtin::Float => Ty::Float,
                        Builtin::Bool => Ty::Bool,
                        _ => Ty::Str,
                    };
                }
                if !arity(self, 1..=1) {
                    return self.table.fresh();
                }
                let t = self.expr(ctx, &args[0]);
                let target = match b {
                    Builtin::Int | Builtin::Int32 => Ty::Int32,
                    Builtin::Int64 => Ty::Int64,
                    Builtin::Float => Ty::Float,
                    Builtin::Bool => return Ty::Bool,
                    Builtin::Str => return Ty::Str,
                    _ => {
                        let result = self.table.fresh();
                        self.deferred.push(Deferred::Abs {
                            value: t,
                            result: result.clone(),
                            span: args[0].span,
                        });
                        return result;
                    }
                };
                // A literal converted to an integer type simply is that type: `int64(10)`. Only
                // a literal: `int64(n)` of a variable converts it, whatever width `n` takes.
                let literal = crate::consts::literal_arithmetic(&args[0]).is_some();
                if target.is_int() && literal && self.table.is_int_literal_var(&t) {
                    self.table.unify(&target, &t, args[0].span).ok();
                } else {
                    self.deferred.push(Deferred::Numeric {
                        ty: t,
                        integer: false,
                        span: args[0].span,
                    });
                }
                target
            }
            Builtin::Sum => {
                if !arity(self, 1..=1) {
                    return self.table.fresh();
                }
                let t = self.expr(ctx, &args[0]);
                let elem = self.table.fresh();
                self.unify(
                    &Ty::List(Box::new(elem.clone())),
                    &t,
                    args[0].span,
                    "the argument of `sum()`",
                );
                self.deferred.push(Deferred::Numeric {
                    ty: elem.clone(),
                    integer: false,
                    span: args[0].span,
                });
                elem
            }
            Builtin::Bytes | Builtin::ByteArray => {
                if !args.is_empty() && arity(self, 1..=1) {
                    let t = self.expr(ctx, &args[0]);
                    let item = self.table.fresh();
                    self.deferred.push(Deferred::Iterate {
                        iterable: t,
                        item: item.clone(),
                        span: args[0].span,
                    });
                    self.deferred.push(Deferred::Numeric {
                        ty: item,
                        integer: true,
                        span: args[0].span,
                    });
                }
                if b == Builtin::Bytes {
                    Ty::Bytes
                } else {
                    Ty::ByteArray
                }
            }
            Builtin::Array => {
                let result = self.table.fresh();
                if arity(self, 1..=1) {
                    let value = self.expr(ctx, &args[0]);
                    self.deferred.push(Deferred::ArrayFrom {
                        value,
                        result: result.clone(),
                        span: args[0].span,
                    });
                }
                result
            }
            Builtin::Enumerate => {
                let elem = self.table.fresh();
                if arity(self, 1..=1) {
                    let t = self.expr(ctx, &args[0]);
                    self.unify(
                        &Ty::List(Box::new(elem.clone())),
                        &t,
                        args[0].span,
                        "the argument of `enumerate()`",
                    );
                }
                Ty::Enumerate(Box::new(elem))
            }
            Builtin::Math(f) => {
                let scalar = if f.returns_int() {
                    Ty::Int32
                } else {
                    Ty::Float
                };
                if !arity(self, 1..=1) {
                    return scalar;
                }
                self.float_function(ctx, args, scalar, e.span)
            }
            Builtin::Libm(f) => {
                let n = f.arity as usize;
                if !arity(self, n..=n) {
                    return Ty::Float;
                }
                self.float_function(ctx, args, Ty::Float, e.span)
            }
            Builtin::Round => {
                if arity(self, 1..=1) {
                    let t = self.expr(ctx, &args[0]);
                    self.deferred.push(Deferred::Numeric {
                        ty: t,
                        integer: false,
                        span: args[0].span,
                    });
                }
                Ty::Int32
            }
            Builtin::NowMu
            | Builtin::RtioGetCounter
            | Builtin::AtMu
            | Builtin::DelayMu
            | Builtin::Delay
            | Builtin::RtioOutput
            | Builtin::RtioGate
            | Builtin::RtioInputTimestamp
            | Builtin::RtioInputData
            | Builtin::Dma(_) => {
                let (params, result) = b.syscall_signature().expect("a system call");
                if arity(self, params.len()..=params.len()) {
                    for (a, want) in args.iter().zip(params) {
                        let t = self.expr(ctx, a);
                        if *want == Ty::Float
                            && !self.table.is_int_literal_var(&t)
                            && self.table.shallow(&t) != Ty::Float
                        {
                            // `delay(1)` and `delay(n)` with an int: converted like float(n).
                            self.deferred.push(Deferred::Numeric {
                                ty: t,
                                integer: false,
                                span: a.span,
                            });
                        } else if *want != Ty::Float {
                            self.unify(want, &t, a.span, &format!("the argument of `{name}()`"));
                        }
                    }
                }
                result
            }
            Builtin::Min | Builtin::Max => {
                if args.is_empty() {
                    arity(self, 1..=8);
                    return self.table.fresh();
                }
                if args.len() == 1 {
                    let t = self.expr(ctx, &args[0]);
                    let elem = self.table.fresh();
                    self.unify(
                        &Ty::List(Box::new(elem.clone())),
                        &t,
                        args[0].span,
                        &format!("the argument of `{name}()`"),
                    );
                    self.deferred.push(Deferred::Numeric {
                        ty: elem.clone(),
                        integer: false,
                        span: args[0].span,
                    });
                    return elem;
                }
                let first = self.expr(ctx, &args[0]);
                for a in &args[1..] {
                    let t = self.expr(ctx, a);
                    self.unify(&first, &t, a.span, &format!("the arguments of `{name}()`"));
                }
                self.deferred.push(Deferred::Numeric {
                    ty: first.clone(),
                    integer: false,
                    span: e.span,
                });
                first
            }
        }
    }
}

//! Builtin functions (`print`, `len`, `range`, conversions, `min`/`max`, math, the timeline).

use super::*;

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    pub(super) fn builtin(
        &mut self,
        b: Builtin,
        e: &ast::Expr,
        args: &[ast::Expr],
        ty: Type,
        line: Line,
    ) -> Expr {
        if b == Builtin::Quoted {
            // The exemplar only gave the type: nothing of it is evaluated.
            let slot = match args.first().map(|a| &a.kind) {
                Some(A::Int(n)) => *n as u32,
                _ => return self.invalid(e.span, "a quoted value without a literal slot"),
            };
            return expr(ExprKind::Quoted { slot, line }, ty);
        }
        let mut vals: Vec<Expr> = args.iter().map(|a| self.expr(a)).collect();
        if vals.is_empty() {
            // `int()`, `float()`, `bool()`, `str()`: the type's zero.
            let zero = match b {
                Builtin::Int | Builtin::Int32 | Builtin::Int64 => Some(ExprKind::Int(0)),
                Builtin::Float => Some(ExprKind::Float(FloatBits(0.0))),
                Builtin::Bool => Some(ExprKind::Bool(false)),
                Builtin::Str => Some(ExprKind::Str(String::new())),
                _ => None,
            };
            if let Some(kind) = zero {
                return expr(kind, ty);
            }
        }
        match b {
            b if b.prints() => self.invalid(
                e.span,
                format!(
                    "`{}()` can only be used as a statement in kernels",
                    b.name()
                ),
            ),
            Builtin::Len => {
                let v = vals.remove(0);
                if let Type::Tuple(items) = &v.ty {
                    let n = items.len() as i64;
                    return expr(
                        ExprKind::Block(
                            vec![Stmt::Expr(v)],
                            boxed(expr(ExprKind::Int(n), Type::Int32)),
                        ),
                        Type::Int32,
                    );
                }
                expr(ExprKind::Len(boxed(v)), Type::Int32)
            }
            Builtin::Range => {
                let elem = match &ty {
                    Type::Range(t) => (**t).clone(),
                    _ => Type::Int32,
                };
                let zero = expr(ExprKind::Int(0), elem.clone());
                let one = expr(ExprKind::Int(1), elem.clone());
                let (start, stop, step) = match vals.len() {
                    1 => (zero, vals.remove(0), one),
                    2 => {
                        let stop = vals.remove(1);
                        (vals.remove(0), stop, one)
                    }
                    _ => {
                        let step = vals.remove(2);
                        let stop = vals.remove(1);
                        (vals.remove(0), stop, step)
                    }
                };
                expr(
                    ExprKind::RangeLit {
                        start: boxed(start),
                        stop: boxed(stop),
                        step: boxed(step),
                        line,
                    },
                    ty,
                )
            }
            Builtin::Int | Builtin::Int32 | Builtin::Int64 | Builtin::Float => {
                let v = vals.remove(0);
                if !matches!(v.ty, Type::Int32 | Type::Int64 | Type::Float | Type::Bool) {
                    self.unchecked(
                        args[0].span,
                        "only numbers can be converted with int(), int64() and float() in kernels",
                    );
                }
                if v.ty == Type::Float && matches!(ty, Type::Int32 | Type::Int64) {
                    return expr(
                        ExprKind::FloatToInt {
                            value: boxed(v),
                            line,
                        },
                        ty,
                    );
                }
                self.coerce(v, &ty)
            }
            Builtin::Bool => {
                let v = vals.remove(0);
                self.truthy(v, e.span)
            }
            Builtin::Str => {
                let v = vals.remove(0);
                self.stringify(v, args[0].span)
            }
            Builtin::Abs => {
                // `abs()` of a bool is of its int (the type checker made the result int32).
                let v = vals.remove(0);
                let v = self.coerce(v, &ty);
                expr(ExprKind::Abs(boxed(v)), ty)
            }
            Builtin::Sum => expr(ExprKind::Sum(boxed(vals.remove(0))), ty),
            Builtin::Math(_) | Builtin::Libm(_) => {
                if vals.iter().any(|v| matches!(v.ty, Type::Array(..))) {
                    self.array_map(vals, e.span, |this, xs| this.float_function(b, xs, e.span))
                } else {
                    self.float_function(b, vals, e.span)
                }
            }
            // A copy: the items of the argument in a new list.
            Builtin::Bytes | Builtin::ByteArray => match vals.pop() {
                None => expr(ExprKind::BytesLit(vec![]), ty),
                Some(value) => expr(
                    ExprKind::ToBytes {
                        value: boxed(value),
                        line,
                    },
                    ty,
                ),
            },
            Builtin::Array => expr(
                ExprKind::ArrayFrom {
                    value: boxed(vals.remove(0)),
                    line,
                },
                ty,
            ),
            Builtin::Enumerate => self.invalid(
                e.span,
                "`enumerate()` can only be iterated directly: `for i, x in enumerate(xs):`",
            ),
            Builtin::Round => {
                let v = vals.remove(0);
                match v.ty {
                    Type::Float => expr(
                        ExprKind::Round {
                            value: boxed(v),
                            line,
                        },
                        Type::Int32,
                    ),
                    _ => self.coerce(v, &Type::Int32),
                }
            }
            Builtin::Min | Builtin::Max => {
                let values = if vals.len() == 1 {
                    vals
                } else {
                    vals.into_iter().map(|v| self.coerce(v, &ty)).collect()
                };
                expr(
                    ExprKind::MinMax {
                        max: b == Builtin::Max,
                        values,
                        line,
                    },
                    ty,
                )
            }
            // What is left: the timeline and RTIO.
            timeline => {
                debug_assert!(timeline.needs_device());
                let Some(mu_per_second) = self.mu_per_second(e.span) else {
                    return expr(ExprKind::None, ty);
                };
                let op = match timeline {
                    Builtin::NowMu => Intrinsic::NowMu,
                    Builtin::AtMu => Intrinsic::AtMu,
                    Builtin::DelayMu => Intrinsic::DelayMu,
                    Builtin::Delay => {
                        let seconds = self.coerce(vals.remove(0), &Type::Float);
                        vals.push(expr(
                            ExprKind::SecondsToMu {
                                seconds: boxed(seconds),
                                mu_per_second,
                            },
                            Type::Int64,
                        ));
                        Intrinsic::DelayMu
                    }
                    Builtin::RtioOutput => Intrinsic::RtioOutput,
                    Builtin::RtioGate => Intrinsic::RtioGate,
                    Builtin::RtioInputTimestamp => Intrinsic::RtioInputTimestamp,
                    Builtin::RtioInputData => Intrinsic::RtioInputData,
                    Builtin::Dma(call) => Intrinsic::Dma(call),
                    _ => Intrinsic::RtioGetCounter,
                };
                let vals = match op {
                    Intrinsic::RtioOutput | Intrinsic::RtioGate => vals
                        .into_iter()
                        .map(|v| self.coerce(v, &Type::Int32))
                        .collect(),
                    _ => vals,
                };
                expr(
                    ExprKind::Intrinsic {
                        op,
                        args: vals,
                        line,
                    },
                    ty,
                )
            }
        }
    }
}

impl FnLower<'_, '_, '_> {
    /// A math function of numbers (converted to float).
    fn float_function(&mut self, b: Builtin, args: Vec<Expr>, span: Span) -> Expr {
        let line = self.line(span);
        let mut args: Vec<Expr> = args
            .into_iter()
            .map(|a| self.coerce(a, &Type::Float))
            .collect();
        match b {
            Builtin::Math(fun) => {
                let ty = if fun.returns_int() {
                    Type::Int32
                } else {
                    Type::Float
                };
                let arg = boxed(args.remove(0));
                expr(ExprKind::Math { fun, arg, line }, ty)
            }
            Builtin::Libm(fun) => expr(ExprKind::Libm { fun, args }, Type::Float),
            _ => self.invalid(span, "not a math function"),
        }
    }
}

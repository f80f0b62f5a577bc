//! Operators: which arithmetic or comparison operation each one is, after numeric promotion.

use super::*;

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    pub(super) fn common_numeric(&mut self, l: Expr, r: Expr) -> (Expr, Expr) {
        if l.ty == r.ty {
            return (l, r);
        }
        if l.ty == Type::Float || r.ty == Type::Float {
            return (self.coerce(l, &Type::Float), self.coerce(r, &Type::Float));
        }
        let target = if l.ty == Type::Int64 || r.ty == Type::Int64 {
            Type::Int64
        } else {
            Type::Int32
        };
        (self.coerce(l, &target), self.coerce(r, &target))
    }

    pub(super) fn binop(&mut self, op: BinOp, l: Expr, r: Expr, span: Span) -> Expr {
        if matches!(l.ty, Type::Array(..)) || matches!(r.ty, Type::Array(..)) {
            return self.array_binop(op, l, r, span);
        }
        let line = self.line(span);
        let numeric = |t: &Type| matches!(t, Type::Int32 | Type::Int64 | Type::Float | Type::Bool);
        if numeric(&l.ty) && numeric(&r.ty) {
            let from_int = l.ty != Type::Float && r.ty != Type::Float;
            let (l, r) = if op == BinOp::Div {
                (self.coerce(l, &Type::Float), self.coerce(r, &Type::Float))
            } else {
                self.common_numeric(l, r)
            };
            let op = match op {
                BinOp::Add => ArithOp::Add,
                BinOp::Sub => ArithOp::Sub,
                BinOp::Mult => ArithOp::Mul,
                BinOp::Div => ArithOp::Div { from_int },
                BinOp::FloorDiv => ArithOp::FloorDiv,
                BinOp::Mod => ArithOp::Mod,
                BinOp::Pow => ArithOp::Pow,
                BinOp::LShift => ArithOp::Shl,
                BinOp::RShift => ArithOp::Shr,
                BinOp::BitAnd => ArithOp::BitAnd,
                BinOp::BitOr => ArithOp::BitOr,
                BinOp::BitXor => ArithOp::BitXor,
                BinOp::MatMult => {
                    return self.invalid(span, "`@` takes arrays");
                }
            };
            let ty = l.ty.clone();
            return expr(
                ExprKind::Arith {
                    op,
                    left: boxed(l),
                    right: boxed(r),
                    line,
                },
                ty,
            );
        }
        match (&l.ty, &r.ty, op) {
            (Type::Str, Type::Str, BinOp::Add) => expr(
                ExprKind::StrConcat {
                    parts: vec![l, r],
                    line,
                },
                Type::Str,
            ),
            (
                Type::List(_) | Type::Bytes | Type::ByteArray,
                Type::List(_) | Type::Bytes | Type::ByteArray,
                BinOp::Add,
            ) => {
                // The left operand's type (bytes + bytearray is bytes, as CPython).
                let ty = l.ty.clone();
                expr(
                    ExprKind::ListConcat {
                        left: boxed(l),
                        right: boxed(r),
                        line,
                    },
                    ty,
                )
            }
            (Type::List(_), _, BinOp::Mult) => {
                let ty = l.ty.clone();
                expr(
                    ExprKind::ListRepeat {
                        list: boxed(l),
                        count: boxed(r),
                        line,
                    },
                    ty,
                )
            }
            (_, Type::List(_), BinOp::Mult) => {
                let ty = r.ty.clone();
                expr(
                    ExprKind::ListRepeat {
                        list: boxed(r),
                        count: boxed(l),
                        line,
                    },
                    ty,
                )
            }
            (Type::Tuple(a), Type::Tuple(b), BinOp::Add) => {
                let (a, b) = (a.len(), b.len());
                let (lt, rt) = (self.temp(l.ty.clone()), self.temp(r.ty.clone()));
                let mut items = Vec::new();
                for (t, n) in [(lt, a), (rt, b)] {
                    let Type::Tuple(tys) = self.locals[t.0 as usize].ty.clone() else {
                        continue;
                    };
                    for (i, ty) in tys.into_iter().enumerate().take(n) {
                        items.push(expr(
                            ExprKind::TupleGet {
                                tuple: boxed(self.local(t)),
                                index: i as u32,
                            },
                            ty,
                        ));
                    }
                }
                let ty = Type::Tuple(items.iter().map(|i| i.ty.clone()).collect());
                let init = vec![
                    Stmt::Assign(Place::Local(lt), l),
                    Stmt::Assign(Place::Local(rt), r),
                ];
                expr(
                    ExprKind::Block(init, boxed(expr(ExprKind::TupleLit(items), ty.clone()))),
                    ty,
                )
            }
            _ => self.invalid(
                span,
                format!("unsupported operand types for `{}`", op.symbol()),
            ),
        }
    }

    pub(super) fn compare(&mut self, op: CmpOp, l: Expr, r: Expr, span: Span) -> Expr {
        let kind = match op {
            CmpOp::Eq => CmpKind::Eq,
            CmpOp::NotEq => CmpKind::Ne,
            CmpOp::Lt => CmpKind::Lt,
            CmpOp::LtE => CmpKind::Le,
            CmpOp::Gt => CmpKind::Gt,
            CmpOp::GtE => CmpKind::Ge,
            CmpOp::Is | CmpOp::IsNot
                if matches!(
                    l.ty,
                    Type::List(_) | Type::Array(..) | Type::ByteArray | Type::Object(_)
                ) =>
            {
                let kind = if op == CmpOp::Is {
                    CmpKind::Same
                } else {
                    CmpKind::NotSame
                };
                return expr(
                    ExprKind::Compare {
                        op: kind,
                        left: boxed(l),
                        right: boxed(r),
                    },
                    Type::Bool,
                );
            }
            CmpOp::Is | CmpOp::IsNot if l.ty == Type::None || r.ty == Type::None => {
                // With static types, `x is None` is known at compile time.
                let same = l.ty == Type::None && r.ty == Type::None;
                let v = if op == CmpOp::Is { same } else { !same };
                let block = ExprKind::Block(
                    vec![Stmt::Expr(l), Stmt::Expr(r)],
                    boxed(expr(ExprKind::Bool(v), Type::Bool)),
                );
                return expr(block, Type::Bool);
            }
            // Numbers, strings and tuples are values: `is` compares them as `==` does.
            CmpOp::Is => CmpKind::Eq,
            CmpOp::IsNot => CmpKind::Ne,
            CmpOp::In | CmpOp::NotIn => {
                let elem = match &r.ty {
                    Type::List(t) | Type::Range(t) => (**t).clone(),
                    _ => Type::None,
                };
                let item = self.coerce(l, &elem);
                let c = expr(
                    ExprKind::Contains {
                        item: boxed(item),
                        container: boxed(r),
                    },
                    Type::Bool,
                );
                return if op == CmpOp::In {
                    c
                } else {
                    expr(ExprKind::Not(boxed(c)), Type::Bool)
                };
            }
        };
        if l.ty == Type::None && r.ty == Type::None {
            let v = matches!(kind, CmpKind::Eq | CmpKind::Le | CmpKind::Ge);
            return expr(ExprKind::Bool(v), Type::Bool);
        }
        let (l, r) = if l.ty == Type::Str {
            (l, r)
        } else {
            self.common_numeric(l, r)
        };
        let supported = match (&l.ty, &r.ty) {
            (Type::Bytes | Type::ByteArray, Type::Bytes | Type::ByteArray) => true,
            (a, b) => {
                a == b
                    && matches!(
                        a,
                        Type::Int32
                            | Type::Int64
                            | Type::Float
                            | Type::Bool
                            | Type::Str
                            | Type::Tuple(_)
                            | Type::List(_)
                    )
            }
        };
        if !supported {
            self.unchecked(span, "cannot compare these values in kernels");
        }
        expr(
            ExprKind::Compare {
                op: kind,
                left: boxed(l),
                right: boxed(r),
            },
            Type::Bool,
        )
    }
}

//! Expressions: names, attributes, literals, conversions, truthiness, `str()`.

use super::*;

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    pub(super) fn condition(&mut self, e: &ast::Expr) -> Expr {
        let v = self.expr(e);
        self.truthy(v, e.span)
    }

    pub(super) fn truthy(&mut self, v: Expr, span: Span) -> Expr {
        if v.ty == Type::Bool {
            v
        } else {
            let line = self.line(span);
            expr(
                ExprKind::Truthy {
                    value: boxed(v),
                    line,
                },
                Type::Bool,
            )
        }
    }

    /// An index or slice bound: an int64 stays one (code generation checks it whole, never
    /// truncated), anything else becomes an int32.
    pub(super) fn index_operand(&mut self, v: Expr) -> Expr {
        if v.ty == Type::Int64 {
            return v;
        }
        self.coerce(v, &Type::Int32)
    }

    pub(super) fn coerce(&mut self, v: Expr, to: &Type) -> Expr {
        if &v.ty == to {
            return v;
        }
        let numeric = |t: &Type| matches!(t, Type::Int32 | Type::Int64 | Type::Float | Type::Bool);
        if numeric(&v.ty) && numeric(to) {
            return expr(ExprKind::Convert(boxed(v)), to.clone());
        }
        v
    }

    pub(super) fn constant(&self, v: &ConstValue, want: &Type) -> Expr {
        match (v, want) {
            (ConstValue::Int(i), Type::Float) => {
                expr(ExprKind::Float(FloatBits(*i as f64)), Type::Float)
            }
            (ConstValue::Int(i), t) => expr(
                ExprKind::Int(*i),
                if matches!(t, Type::Int64) {
                    Type::Int64
                } else {
                    Type::Int32
                },
            ),
            (ConstValue::Float(f), _) => expr(ExprKind::Float(FloatBits(*f)), Type::Float),
            (ConstValue::Bool(b), _) => expr(ExprKind::Bool(*b), Type::Bool),
            (ConstValue::Str(s), _) => expr(ExprKind::Str(s.clone()), Type::Str),
            (ConstValue::None, _) => expr(ExprKind::None, Type::None),
            (ConstValue::Tuple(items), t) => {
                let wants: Vec<Type> = match t {
                    Type::Tuple(ts) => ts.clone(),
                    _ => items.iter().map(|i| self.shared.ty(&i.ty())).collect(),
                };
                let items: Vec<Expr> = items
                    .iter()
                    .zip(wants.iter())
                    .map(|(i, w)| self.constant(i, w))
                    .collect();
                let ty = Type::Tuple(items.iter().map(|i| i.ty.clone()).collect());
                expr(ExprKind::TupleLit(items), ty)
            }
        }
    }

    pub(super) fn new_exception(&mut self, c: ClassId, message: Option<Expr>) -> Expr {
        let class = &self.shared.program.classes[c.0 as usize];
        let kind = ExprKind::NewException {
            id: class.exception_id.unwrap_or(1),
            name: class.name.clone(),
            message: message.map(boxed),
        };
        expr(kind, Type::Exception)
    }

    pub(super) fn expr(&mut self, e: &ast::Expr) -> Expr {
        let ty = self.shared.ty(&self.facts_ty(e));
        let line = self.line(e.span);
        let kind = match &e.kind {
            A::Int(v) => {
                return match ty {
                    Type::Float => expr(ExprKind::Float(FloatBits(*v as f64)), Type::Float),
                    _ => expr(ExprKind::Int(*v), ty),
                }
            }
            A::Float(v) => ExprKind::Float(FloatBits(*v)),
            A::Bool(b) => ExprKind::Bool(*b),
            A::Str(s) => ExprKind::Str(s.clone()),
            A::Bytes(b) => ExprKind::BytesLit(b.clone()),
            A::NoneLit => ExprKind::None,
            A::Name(_) => match self.resolution(e) {
                Some(Resolution::Local(l)) => ExprKind::Local(LocalId(l.0)),
                Some(Resolution::Constant(v)) => return self.constant(v, &ty),
                // A function passed as an argument: its callee's instance calls it directly.
                Some(Resolution::Function) => ExprKind::None,
                _ => {
                    self.unchecked(e.span, "this name cannot be used as a value");
                    ExprKind::None
                }
            },
            A::Attribute { value, .. } => match self.resolution(e) {
                Some(Resolution::Constant(v)) => return self.constant(v, &ty),
                Some(Resolution::ArrayShape) => ExprKind::ArrayShape(boxed(self.expr(value))),
                Some(Resolution::RangeField(i)) => ExprKind::TupleGet {
                    tuple: boxed(self.expr(value)),
                    index: *i,
                },
                Some(Resolution::Field(c, i)) => {
                    let class = self.shared.class_index[c];
                    ExprKind::Field {
                        object: boxed(self.expr(value)),
                        class,
                        index: *i as u32,
                    }
                }
                _ => {
                    self.unchecked(e.span, "this attribute cannot be used as a value");
                    ExprKind::None
                }
            },
            A::Call {
                func,
                args,
                keywords,
            } => return self.call(e, func, args, keywords, ty),
            A::BinOp { op, left, right } => {
                let (l, r) = (self.expr(left), self.expr(right));
                return self.binop(*op, l, r, e.span);
            }
            A::UnaryOp { op, operand } => {
                let v = self.expr(operand);
                if matches!(v.ty, Type::Array(..)) && *op != ast::UnaryOp::Not {
                    // `+a` is a copy, as numpy's.
                    let op = *op;
                    return self.array_map(vec![v], e.span, |this, mut xs| {
                        let x = xs.pop().expect("one operand");
                        let ty = x.ty.clone();
                        match op {
                            ast::UnaryOp::Neg => expr(ExprKind::Neg(boxed(x)), ty),
                            ast::UnaryOp::Invert => expr(ExprKind::Invert(boxed(x)), ty),
                            _ => this.coerce(x, &ty),
                        }
                    });
                }
                match op {
                    ast::UnaryOp::Not => {
                        let t = self.truthy(v, operand.span);
                        ExprKind::Not(boxed(t))
                    }
                    ast::UnaryOp::Neg => ExprKind::Neg(boxed(v)),
                    ast::UnaryOp::Pos => return v,
                    ast::UnaryOp::Invert => ExprKind::Invert(boxed(v)),
                }
            }
            A::BoolOp { op, values } => {
                let values = values.iter().map(|v| self.expr(v)).collect();
                ExprKind::ShortCircuit {
                    and: *op == ast::BoolOp::And,
                    values,
                    line: self.line(e.span),
                }
            }
            A::Compare {
                left,
                ops,
                comparators,
            } => {
                let mut terms = Vec::new();
                let mut l = self.expr(left);
                for (k, (op, right)) in ops.iter().zip(comparators.iter()).enumerate() {
                    let r = self.expr(right);
                    let last = k + 1 == ops.len();
                    let reused = matches!(
                        r.kind,
                        ExprKind::Local(_)
                            | ExprKind::Int(_)
                            | ExprKind::Float(_)
                            | ExprKind::Bool(_)
                    );
                    if last || reused {
                        terms.push(self.compare(*op, l, r.clone(), e.span));
                        l = r;
                        continue;
                    }
                    // A middle operand is evaluated once (`a < f() < b` calls f once): its value
                    // is kept for the next comparison, which runs only when this one holds.
                    let t = self.temp(r.ty.clone());
                    let kept = self.local(t);
                    let assigned = expr(
                        ExprKind::Block(
                            vec![Stmt::Assign(Place::Local(t), r)],
                            boxed(kept.clone()),
                        ),
                        kept.ty.clone(),
                    );
                    terms.push(self.compare(*op, l, assigned, e.span));
                    l = kept;
                }
                if terms.len() == 1 {
                    return terms
                        .pop()
                        .unwrap_or_else(|| expr(ExprKind::Bool(false), Type::Bool));
                }
                ExprKind::ShortCircuit {
                    and: true,
                    values: terms,
                    line: self.line(e.span),
                }
            }
            A::IfExp { test, body, orelse } => {
                let cond = self.condition(test);
                let then = self.expr(body);
                let orelse = self.expr(orelse);
                ExprKind::IfExp {
                    cond: boxed(cond),
                    then: boxed(then),
                    orelse: boxed(orelse),
                }
            }
            A::List(items) => {
                let elem = match &ty {
                    Type::List(t) => (**t).clone(),
                    _ => Type::None,
                };
                ExprKind::ListLit(
                    items
                        .iter()
                        .map(|i| {
                            let v = self.expr(i);
                            self.coerce(v, &elem)
                        })
                        .collect(),
                )
            }
            A::Tuple(items) => ExprKind::TupleLit(items.iter().map(|i| self.expr(i)).collect()),
            A::Slice {
                value,
                lower,
                upper,
                step,
            } => {
                let value = self.expr(value);
                let bounds = self.slice_bounds([lower, upper, step]);
                match value.ty {
                    Type::Array(..) => ExprKind::ArraySlice {
                        array: boxed(value),
                        start: bounds.start,
                        stop: bounds.stop,
                    },
                    _ => ExprKind::Slice {
                        value: boxed(value),
                        bounds,
                        line,
                    },
                }
            }
            A::Subscript { value, index } => {
                let container = self.expr(value);
                match container.ty {
                    Type::Tuple(ref items) => {
                        let n = items.len() as i64;
                        let k = match &index.kind {
                            A::Int(k) => *k,
                            A::UnaryOp {
                                op: ast::UnaryOp::Neg,
                                operand,
                            } => match operand.kind {
                                A::Int(k) => -k,
                                _ => 0,
                            },
                            _ => match self.resolution(index) {
                                Some(Resolution::Constant(ConstValue::Int(k))) => *k,
                                _ => 0,
                            },
                        };
                        ExprKind::TupleGet {
                            tuple: boxed(container),
                            index: k.rem_euclid(n.max(1)) as u32,
                        }
                    }
                    Type::Array(..) => ExprKind::ArrayIndex {
                        array: boxed(container),
                        indices: self.array_indices(index),
                        line,
                    },
                    _ => {
                        let i = self.expr(index);
                        let i = self.index_operand(i);
                        ExprKind::Index {
                            list: boxed(container),
                            index: boxed(i),
                            line,
                        }
                    }
                }
            }
            A::FString(parts) => {
                let mut lowered = Vec::new();
                for p in parts {
                    match p {
                        FStringPart::Literal(s) => {
                            lowered.push(expr(ExprKind::Str(s.clone()), Type::Str))
                        }
                        FStringPart::Value(v) => {
                            let x = self.expr(v);
                            let s = self.stringify(x, v.span);
                            lowered.push(s);
                        }
                    }
                }
                ExprKind::StrConcat {
                    parts: lowered,
                    line,
                }
            }
            A::ListComp {
                elt,
                target,
                iter,
                conds,
            } => {
                let list = self.temp(ty.clone());
                let elem_ty = match &ty {
                    Type::List(t) => (**t).clone(),
                    _ => Type::None,
                };
                let value = self.expr(elt);
                let value = self.coerce(value, &elem_ty);
                let mut inner = vec![Stmt::Expr(expr(
                    ExprKind::ListAppend {
                        list: boxed(self.local(list)),
                        value: boxed(value),
                        line,
                    },
                    Type::None,
                ))];
                for c in conds.iter().rev() {
                    let cond = self.condition(c);
                    inner = vec![Stmt::If {
                        cond,
                        then: inner,
                        orelse: vec![],
                    }];
                }
                let loop_stmt = self.for_loop(target, iter, inner, vec![]);
                let init = Stmt::Assign(
                    Place::Local(list),
                    expr(ExprKind::ListLit(vec![]), ty.clone()),
                );
                ExprKind::Block(vec![init, loop_stmt], boxed(self.local(list)))
            }
        };
        expr(kind, ty)
    }

    /// The device clock, or an error: the timeline and RTIO exist only on the core device.
    pub(super) fn mu_per_second(&mut self, span: Span) -> Option<u64> {
        if self.shared.options.mu_per_second.is_none() {
            self.unchecked(span, "the timeline and RTIO need the core device: run this with `strobe run`, not `strobe exec`");
        }
        self.shared.options.mu_per_second
    }

    pub(super) fn stringify(&mut self, v: Expr, span: Span) -> Expr {
        let line = self.line(span);
        match v.ty {
            Type::Str => v,
            Type::Int32 | Type::Int64 | Type::Float | Type::Bool | Type::None | Type::Exception => {
                expr(
                    ExprKind::ToStr {
                        value: boxed(v),
                        line,
                    },
                    Type::Str,
                )
            }
            _ => {
                self.unchecked(span, "only numbers, booleans, strings, None and exceptions can be converted to str in kernels");
                expr(ExprKind::Str(String::new()), Type::Str)
            }
        }
    }
}

impl FnLower<'_, '_, '_> {
    pub(super) fn slice_bounds(
        &mut self,
        [start, stop, step]: [&Option<Box<ast::Expr>>; 3],
    ) -> SliceBounds {
        let mut bound = |b: &Option<Box<ast::Expr>>| {
            b.as_deref().map(|e| {
                let v = self.expr(e);
                boxed(self.coerce(v, &Type::Int32))
            })
        };
        SliceBounds {
            start: bound(start),
            stop: bound(stop),
            step: bound(step),
        }
    }
}

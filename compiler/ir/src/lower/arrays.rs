//! numpy arrays: indexing and views, iteration, elementwise operators as [`ExprKind::ArrayMap`]
//! over the scalar operations, and `@`.

use super::*;

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    /// `array[index]`: `index` is an int or a tuple of ints (one per leading dimension).
    pub(super) fn array_indices(&mut self, index: &ast::Expr) -> Vec<Expr> {
        let parts: Vec<&ast::Expr> = match &index.kind {
            A::Tuple(items) => items.iter().collect(),
            _ => vec![index],
        };
        parts
            .into_iter()
            .map(|p| {
                let i = self.expr(p);
                self.index_operand(i)
            })
            .collect()
    }

    /// An operator with an array operand (the type checker allowed it).
    pub(super) fn array_binop(&mut self, op: BinOp, l: Expr, r: Expr, span: Span) -> Expr {
        if op == BinOp::MatMult {
            return self.matmul(l, r, span);
        }
        self.array_map(vec![l, r], span, |this, mut xs| {
            let r = xs.pop().expect("two operands");
            let l = xs.pop().expect("two operands");
            this.binop(op, l, r, span)
        })
    }

    /// `f(elements...)` of arrays (and numbers), elementwise into a new array.
    pub(super) fn array_map(
        &mut self,
        operands: Vec<Expr>,
        span: Span,
        body: impl FnOnce(&mut Self, Vec<Expr>) -> Expr,
    ) -> Expr {
        let line = self.line(span);
        let mut dims = 0;
        let mut bound = Vec::new();
        let mut values = Vec::new();
        for operand in operands {
            let item = match &operand.ty {
                Type::Array(elem, n) => {
                    dims = *n;
                    (**elem).clone()
                }
                other => other.clone(),
            };
            let local = self.temp(item);
            values.push(self.local(local));
            bound.push((local, operand));
        }
        let body = body(self, values);
        let ty = Type::Array(Box::new(body.ty.clone()), dims);
        expr(
            ExprKind::ArrayMap {
                operands: bound,
                body: boxed(body),
                in_place: false,
                line,
            },
            ty,
        )
    }

    /// `target op= value` on an array: computed into the target's own elements, as numpy does (the
    /// target, evaluated once, is the first operand).
    pub(super) fn array_in_place(
        &mut self,
        target: Expr,
        op: BinOp,
        value: Expr,
        span: Span,
    ) -> Stmt {
        let elem = match &target.ty {
            Type::Array(elem, _) => (**elem).clone(),
            _ => Type::None,
        };
        let mut combined = self.array_binop(op, target, value, span);
        if let ExprKind::ArrayMap { in_place, body, .. } = &mut combined.kind {
            let converted = self.coerce((**body).clone(), &elem);
            **body = converted;
            *in_place = true;
        }
        Stmt::Expr(combined)
    }

    /// `a @ b`: both sides converted to the result's element type first.
    fn matmul(&mut self, l: Expr, r: Expr, span: Span) -> Expr {
        let line = self.line(span);
        let elem_of = |t: &Type| match t {
            Type::Array(e, _) => (**e).clone(),
            other => other.clone(),
        };
        let dims = |t: &Type| match t {
            Type::Array(_, n) => *n,
            _ => 0,
        };
        let (le, re) = (elem_of(&l.ty), elem_of(&r.ty));
        let elem = if le == Type::Float || re == Type::Float {
            Type::Float
        } else {
            le
        };
        let out_dims = dims(&l.ty) + dims(&r.ty) - 2;
        let [l, r] = [l, r].map(|side| {
            if elem_of(&side.ty) == elem {
                side
            } else {
                self.array_map(vec![side], span, |this, mut xs| {
                    let x = xs.pop().expect("one operand");
                    this.coerce(x, &elem)
                })
            }
        });
        let ty = if out_dims == 0 {
            elem
        } else {
            Type::Array(Box::new(elem), out_dims)
        };
        expr(
            ExprKind::MatMul {
                left: boxed(l),
                right: boxed(r),
                line,
            },
            ty,
        )
    }

    /// `for x in array`: by index over the first axis (each `x` an element or a row view).
    pub(super) fn array_loop(
        &mut self,
        array: Expr,
        var: LocalId,
        mut body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    ) -> Stmt {
        let item_ty = self.locals[var.0 as usize].ty.clone();
        let held = self.temp(array.ty.clone());
        let k = self.temp(Type::Int32);
        let int = |v| expr(ExprKind::Int(v), Type::Int32);
        let len = expr(ExprKind::Len(boxed(self.local(held))), Type::Int32);
        let range = expr(
            ExprKind::RangeLit {
                start: boxed(int(0)),
                stop: boxed(len),
                step: boxed(int(1)),
                line: Line(0),
            },
            Type::Range(Box::new(Type::Int32)),
        );
        let item = expr(
            ExprKind::ArrayIndex {
                array: boxed(self.local(held)),
                indices: vec![self.local(k)],
                line: Line(0),
            },
            item_ty,
        );
        body.insert(0, Stmt::Assign(Place::Local(var), item));
        Stmt::ForRange {
            var: k,
            range: expr(
                ExprKind::Block(vec![Stmt::Assign(Place::Local(held), array)], boxed(range)),
                Type::Range(Box::new(Type::Int32)),
            ),
            body,
            orelse,
        }
    }
}

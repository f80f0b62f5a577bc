//! Slices: `value[a:b:c]` of a list or a str is a new list or str (of an array, a view); `lst[a:b:c] = other` replaces
//! those items of a list. Bounds are int32 (as list indices are).

use crate::infer::{Checker, Ctx};
use crate::solve::Step;
use crate::ty::Ty;
use strobe_syntax::ast;
use strobe_syntax::Span;

impl Checker<'_> {
    pub(crate) fn slice_bounds(&mut self, ctx: &mut Ctx, bounds: [&Option<Box<ast::Expr>>; 3]) {
        for b in bounds.into_iter().flatten() {
            let t = self.expr(ctx, b);
            self.unify(&Ty::Int32, &t, b.span, "a slice bound");
        }
    }

    pub(crate) fn solve_slice(
        &mut self,
        value: &Ty,
        result: &Ty,
        stepped: bool,
        span: Span,
    ) -> Step {
        match self.table.shallow(value) {
            Ty::Var(_) => Step::Pending,
            // A view of rows `a:b` of the first axis, sharing the array's elements.
            Ty::Array(..) if stepped => {
                self.error(
                    span,
                    "array slices take no step in kernels (`a[i:j]` is a view of rows i..j)",
                );
                Step::Solved
            }
            t @ Ty::Array(..) => {
                self.unify(result, &t, span, "a slice");
                Step::Solved
            }
            t @ (Ty::List(_) | Ty::Str | Ty::Bytes | Ty::ByteArray) => {
                self.unify(result, &t, span, "a slice");
                Step::Solved
            }
            other => {
                let msg = format!(
                    "{} cannot be sliced in kernels (lists, strings, bytes and arrays can)",
                    self.show(&other)
                );
                self.error(span, msg);
                Step::Solved
            }
        }
    }

    /// `lst[a:b:c] = value`: `value` is a list of the same type.
    pub(crate) fn assign_slice(
        &mut self,
        ctx: &mut Ctx,
        target: &ast::Expr,
        ty: &Ty,
        value_span: Span,
    ) {
        let ast::ExprKind::Slice {
            value,
            lower,
            upper,
            step,
        } = &target.kind
        else {
            return;
        };
        let container = self.expr(ctx, value);
        self.slice_bounds(ctx, [lower, upper, step]);
        self.record(ctx.inst, target.id, ty.clone(), None);
        let elem = self.table.fresh();
        let list = Ty::List(Box::new(elem));
        if self.unify(&list, &container, value.span, "a slice assignment") {
            self.unify(&list, ty, value_span, "the value assigned to a slice");
        }
    }
}

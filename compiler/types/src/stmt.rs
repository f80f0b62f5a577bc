//! Statements: assignments and their targets, control flow, exceptions.

use crate::infer::{Checker, Ctx};
use crate::program::Resolution;
use crate::solve::Deferred;
use crate::ty::{Callable, Ty};
use strobe_syntax::ast::{self, ExprKind, Stmt, StmtKind};

impl Checker<'_> {
    pub(crate) fn check_block(&mut self, ctx: &mut Ctx, body: &[Stmt]) {
        for s in body {
            self.check_stmt(ctx, s);
        }
    }

    fn check_stmt(&mut self, ctx: &mut Ctx, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(ctx, e);
            }
            StmtKind::Assign { targets, value } => {
                let t = self.expr(ctx, value);
                for target in targets {
                    self.assign_target(ctx, target, &t, value.span);
                }
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let Some(want) = self.annotation(annotation) {
                    self.assign_target(ctx, target, &want, annotation.span);
                    if let Some(v) = value {
                        let t = self.expr(ctx, v);
                        self.unify(&want, &t, v.span, "an annotated assignment");
                    }
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                let current = self.expr(ctx, target);
                let rhs = self.expr(ctx, value);
                let result = self.table.fresh();
                self.deferred.push(Deferred::BinOp {
                    op: *op,
                    left: current.clone(),
                    right: rhs,
                    result: result.clone(),
                    span: s.span,
                });
                self.unify(&current, &result, s.span, "an augmented assignment");
            }
            StmtKind::Return(value) => {
                let ret = self.instances[ctx.inst.0 as usize].ret.clone();
                match value {
                    Some(v) => {
                        let t = self.expr(ctx, v);
                        self.unify(&ret, &t, v.span, "the return value");
                    }
                    None => {
                        self.unify(&ret, &Ty::None, s.span, "the return value");
                    }
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.condition(ctx, test);
                self.check_block(ctx, body);
                self.check_block(ctx, orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let it = self.expr(ctx, iter);
                let item = self.table.fresh();
                self.deferred.push(Deferred::Iterate {
                    iterable: it,
                    item: item.clone(),
                    span: iter.span,
                });
                self.assign_target(ctx, target, &item, target.span);
                self.check_block(ctx, body);
                self.check_block(ctx, orelse);
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
            StmtKind::Raise(exc) => {
                if let Some(e) = exc {
                    let ty = self.expr_allow_callable(ctx, e);
                    self.deferred.push(Deferred::Raise { ty, span: e.span });
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.check_block(ctx, body);
                for h in handlers {
                    self.handler(ctx, h);
                }
                self.check_block(ctx, orelse);
                self.check_block(ctx, finalbody);
            }
            StmtKind::Assert { test, msg } => {
                self.condition(ctx, test);
                if let Some(m) = msg {
                    let t = self.expr(ctx, m);
                    self.unify(&Ty::Str, &t, m.span, "the assertion message");
                }
            }
            StmtKind::FunctionDef(f) => {
                let Some(&def) = self.nested_by_span.get(&s.span.start) else {
                    return;
                };
                if let Some(local) = self.lookup_local(ctx.inst, &f.name.name) {
                    let lt = self.local_ty(ctx.inst, local);
                    self.unify(
                        &lt,
                        &Ty::Callable(Callable::Nested(def, ctx.inst)),
                        f.name.span,
                        "a nested function name",
                    );
                }
            }
            // Only timeline blocks are left as `with` (the syntax stage expands other managers).
            StmtKind::With { body, .. } => self.check_block(ctx, body),
        }
    }

    fn handler(&mut self, ctx: &mut Ctx, h: &ast::Handler) {
        let mut caught = Vec::new();
        for c in h.classes.iter().flatten() {
            match &c.kind {
                ExprKind::Name(n) => match self.class_by_name.get(n) {
                    Some(&id) if self.classes[id.0 as usize].is_exception() => {
                        caught.push(id);
                        self.record(
                            ctx.inst,
                            c.id,
                            Ty::Callable(Callable::Class(id)),
                            Some(Resolution::Class(id)),
                        );
                    }
                    _ => self.error(c.span, format!("`{n}` is not an exception class")),
                },
                _ => self.error(c.span, "expected an exception class name"),
            }
        }
        if let Some(name) = &h.name {
            // Every exception has the same layout, so `as` names are typed by the common base: one
            // name can be reused across handlers for different classes, as in Python.
            let class = self.class_by_name["Exception"];
            if let Some(local) = self.lookup_local(ctx.inst, &name.name) {
                let lt = self.local_ty(ctx.inst, local);
                self.unify(&lt, &Ty::Object(class), name.span, "the caught exception");
                self.instances[ctx.inst.0 as usize]
                    .handler_locals
                    .insert(h.span.start, local);
            }
        }
        self.check_block(ctx, &h.body);
    }

    /// Any value can be tested for truth; the IR decides how.
    pub(crate) fn condition(&mut self, ctx: &mut Ctx, e: &ast::Expr) {
        self.expr(ctx, e);
    }

    /// Binds `target` (name, tuple pattern, attribute or list element) to a value of type `ty`.
    pub(crate) fn assign_target(
        &mut self,
        ctx: &mut Ctx,
        target: &ast::Expr,
        ty: &Ty,
        value_span: strobe_syntax::Span,
    ) {
        match &target.kind {
            ExprKind::Name(n) => {
                let local = ctx.shadow(n).or_else(|| self.lookup_local(ctx.inst, n));
                let Some(local) = local else {
                    self.error(target.span, format!("cannot assign to `{n}` here"));
                    return;
                };
                let lt = self.local_ty(ctx.inst, local);
                if self.is_callable(ty) {
                    return; // already reported where the function was used as a value
                }
                self.unify(&lt, ty, value_span, &format!("the assignment to `{n}`"));
                self.record(ctx.inst, target.id, lt, Some(Resolution::Local(local)));
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let parts: Vec<Ty> = items.iter().map(|_| self.table.fresh()).collect();
                let unpack = Deferred::Unpack {
                    value: ty.clone(),
                    parts: parts.clone(),
                    span: value_span,
                };
                if let Some(waiting) = self.try_solve(unpack) {
                    self.deferred.push(waiting);
                }
                for (item, part) in items.iter().zip(parts.iter()) {
                    self.assign_target(ctx, item, part, value_span);
                }
                self.record(ctx.inst, target.id, ty.clone(), None);
            }
            ExprKind::Attribute { value, attr } => {
                let obj = self.expr(ctx, value);
                self.record(ctx.inst, target.id, ty.clone(), None);
                self.deferred.push(Deferred::AttributeStore {
                    obj,
                    attr: attr.name.clone(),
                    value: ty.clone(),
                    span: target.span,
                    site: (ctx.inst, target.id),
                });
            }
            ExprKind::Subscript { value, index } => {
                let container = self.expr(ctx, value);
                let idx = self.expr(ctx, index);
                self.record(ctx.inst, target.id, ty.clone(), None);
                let store = Deferred::IndexStore {
                    container,
                    index: idx,
                    index_span: index.span,
                    value: ty.clone(),
                    container_span: value.span,
                    value_span,
                    span: target.span,
                };
                if let Some(waiting) = self.try_solve(store) {
                    self.deferred.push(waiting);
                }
            }
            ExprKind::Slice { .. } => self.assign_slice(ctx, target, ty, value_span),
            _ => self.error(target.span, "cannot assign to this expression"),
        }
    }
}

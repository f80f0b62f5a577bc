//! `with` statements: `with parallel:` / `with sequential:` stay timeline blocks for the type
//! checker and IR; any other context manager becomes the calls Python makes.

use crate::ast::{self, ExprKind, StmtKind};
use crate::lower::{span, Lowered, Lowerer};
use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

impl Lowerer {
    /// A `with` statement's kind; `with a, b:` is `with a:` around `with b:`.
    pub(crate) fn with_statement(&mut self, w: &py::StmtWith) -> Lowered<StmtKind> {
        if w.is_async {
            return self.unsupported(w.range, "`async with`");
        }
        let mut body = self.block(&w.body)?;
        for item in w.items.iter().rev() {
            let manager = self.expr(&item.context_expr)?;
            let timeline = matches!(&manager.kind,
                ExprKind::Name(n) if n == "parallel" || n == "sequential");
            let kind = match (&item.optional_vars, timeline) {
                (Some(v), true) => return self.unsupported(v.range(), "`with parallel as`"),
                (None, true) => StmtKind::With {
                    items: vec![manager],
                    body,
                },
                (target, false) => {
                    let target = target.as_deref().map(|t| self.expr(t)).transpose()?;
                    self.context_manager(manager, target, body, w.range)
                }
            };
            body = vec![ast::Stmt {
                kind,
                span: span(w.range),
            }];
        }
        Ok(match body.pop() {
            Some(s) => s.kind,
            None => StmtKind::Pass,
        })
    }

    /// `with manager as target: body` as Python runs it: the manager's `__enter__()` (its result
    /// bound to `target`), then the body, then `__exit__(None, None, None)` however the body ends
    /// (an exception raised in the body propagates after it; an `__enter__` that raises skips
    /// both). Inside `if True:`, one statement.
    fn context_manager(
        &mut self,
        manager: ast::Expr,
        target: Option<ast::Expr>,
        body: Vec<ast::Stmt>,
        range: TextRange,
    ) -> StmtKind {
        let at = span(range);
        let stmt = |kind| ast::Stmt { kind, span: at };
        let holder = format!("__with_{}", u32::from(range.start()));
        let name = |this: &mut Self| this.new_expr(ExprKind::Name(holder.clone()), range);
        let method_call = |this: &mut Self, method: &str, args: Vec<ast::Expr>| {
            let object = name(this);
            let func = this.new_expr(
                ExprKind::Attribute {
                    value: Box::new(object),
                    attr: ast::Ident {
                        name: method.to_string(),
                        span: at,
                    },
                },
                range,
            );
            this.new_expr(
                ExprKind::Call {
                    func: Box::new(func),
                    args,
                    keywords: Vec::new(),
                },
                range,
            )
        };
        let hold = StmtKind::Assign {
            targets: vec![name(self)],
            value: manager,
        };
        let enter = method_call(self, "__enter__", Vec::new());
        let enter = match target {
            Some(target) => StmtKind::Assign {
                targets: vec![target],
                value: enter,
            },
            None => StmtKind::Expr(enter),
        };
        let nones = (0..3)
            .map(|_| self.new_expr(ExprKind::NoneLit, range))
            .collect();
        let exit = method_call(self, "__exit__", nones);
        let guarded = StmtKind::Try {
            body,
            handlers: Vec::new(),
            orelse: Vec::new(),
            finalbody: vec![stmt(StmtKind::Expr(exit))],
        };
        StmtKind::If {
            test: self.new_expr(ExprKind::Bool(true), range),
            body: vec![stmt(hold), stmt(enter), stmt(guarded)],
            orelse: Vec::new(),
        }
    }
}

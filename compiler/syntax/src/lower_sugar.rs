//! Constructs the syntax stage rewrites into others of the kernel language: `lambda` into a
//! function defined just before its statement, `list(xs)` into a comprehension.

use crate::ast::{self, Ident};
use crate::lower::{span, Lowered, Lowerer};
use ruff_python_ast as py;
use ruff_text_size::Ranged;

impl Lowerer {
    /// `lambda params: body` becomes a function defined just before the statement that holds it
    /// (so it sees the same variables), and the expression names that function.
    pub(crate) fn lambda(&mut self, l: &py::ExprLambda) -> Lowered<ast::Expr> {
        let name = format!("<lambda#{}>", self.next_expr);
        let def = self.lambda_def(
            l,
            Ident {
                name: name.clone(),
                span: span(l.range),
            },
        )?;
        self.lambdas.push(def);
        Ok(self.new_expr(ast::ExprKind::Name(name), l.range))
    }

    /// `f = lambda params: body` defines `f` as `def f(params): return body` would.
    pub(crate) fn named_lambda(
        &mut self,
        name: &py::ExprName,
        l: &py::ExprLambda,
    ) -> Lowered<ast::Stmt> {
        let name = Ident {
            name: name.id.to_string(),
            span: span(name.range),
        };
        self.lambda_def(l, name)
    }

    fn lambda_def(&mut self, l: &py::ExprLambda, name: Ident) -> Lowered<ast::Stmt> {
        let params = match &l.parameters {
            Some(p) => self.parameters(p)?,
            None => vec![],
        };
        let body = self.expr(&l.body)?;
        let at = span(l.range);
        let def = ast::FunctionDef {
            name,
            params,
            variadic: false,
            variadic_keywords: false,
            returns: None,
            body: vec![ast::Stmt {
                kind: ast::StmtKind::Return(Some(body)),
                span: at,
            }],
            span: at,
            rpc: None,
        };
        Ok(ast::Stmt {
            kind: ast::StmtKind::FunctionDef(Box::new(def)),
            span: at,
        })
    }
}

impl Lowerer {
    /// `list()` is `[]`; `list(xs)` is `[v for v in xs]` (a fresh list, whatever `xs` iterates).
    pub(crate) fn list_call(&mut self, c: &py::ExprCall) -> Lowered<ast::Expr> {
        let kind = match &c.arguments.args[..] {
            [] => ast::ExprKind::List(vec![]),
            [iterable] if !iterable.is_starred_expr() => {
                let iter = Box::new(self.expr(iterable)?);
                // A name no program can spell, so it shadows nothing.
                let var = "<item>".to_string();
                ast::ExprKind::ListComp {
                    elt: Box::new(self.new_expr(ast::ExprKind::Name(var.clone()), c.range())),
                    target: Box::new(self.new_expr(ast::ExprKind::Name(var), c.range())),
                    iter,
                    conds: vec![],
                }
            }
            _ => return self.error(c.range(), "`list()` takes at most one argument"),
        };
        Ok(self.new_expr(kind, c.range()))
    }
}

//! A module's top level: declarations (functions, classes, constants, imports) and, for a kernel
//! program written as a script, the statements that run in order as its entry function.
//!
//! A module whose top level holds only declarations and the `if __name__ == "__main__": main()`
//! guard is a library of kernels entered at `main()`. A module with any other statement at top
//! level (an `assert`, a call, a loop, an assignment that is later changed...) is a script, as
//! ARTIQ's compiler test programs are: its top level becomes the entry function
//! [`ast::SCRIPT_ENTRY`], with its functions nested in it (so they see the script's variables)
//! and its classes kept at module level.

use crate::ast::{self, Ident};
use crate::lower::{span, Lowered, Lowerer};
use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

impl Lowerer {
    pub(crate) fn module(&mut self, body: Vec<py::Stmt>) -> ast::Module {
        let mut module = ast::Module {
            functions: vec![],
            classes: vec![],
            constants: vec![],
            main_call: None,
            imports: vec![],
            entry: ast::MAIN_ENTRY.to_string(),
            expr_count: 0,
        };
        let script = !self.options.host_calls
            && body
                .iter()
                .enumerate()
                .any(|(index, s)| !is_declaration(index, s));
        let mut script_body = Vec::new();
        for (index, stmt) in body.iter().enumerate() {
            match stmt {
                py::Stmt::FunctionDef(f) if !script => {
                    if let Ok(f) = self.function(f) {
                        module.functions.push(f);
                    }
                }
                py::Stmt::ClassDef(c) => {
                    if let Ok(c) = self.class(c) {
                        module.classes.push(c);
                    }
                }
                py::Stmt::Import(_) | py::Stmt::ImportFrom(_) => {
                    module.imports.extend(imports(stmt));
                }
                py::Stmt::Pass(_) => {}
                // A module docstring.
                py::Stmt::Expr(e) if index == 0 && e.value.is_string_literal_expr() => {}
                py::Stmt::If(i) if is_main_guard(&i.test) && !script => match main_call(i) {
                    Some(call) => module.main_call = Some(call),
                    None => {
                        let _: Lowered<()> = self.error(
                            i.range,
                            "the `__main__` block of a kernel program may only call `main()`",
                        );
                    }
                },
                // A script runs as `__main__`: the guarded block is part of it.
                py::Stmt::If(i) if is_main_guard(&i.test) && i.elif_else_clauses.is_empty() => {
                    if let Ok(stmts) = self.block(&i.body) {
                        script_body.extend(stmts);
                    }
                }
                py::Stmt::Assign(a) if !script => {
                    let name = a.targets[0].as_name_expr().map(|n| Ident {
                        name: n.id.to_string(),
                        span: span(n.range),
                    });
                    if let (Some(name), Ok(value)) = (name, self.expr(&a.value)) {
                        module.constants.push(ast::ConstantDef { name, value });
                    }
                }
                other if script => {
                    if let Ok(Some(s)) = self.stmt(other) {
                        script_body.append(&mut self.lambdas);
                        script_body.push(s);
                    }
                }
                other => {
                    let _: Lowered<()> = self.error(
                        other.range(),
                        "only functions, classes, constants and imports are supported at module level in kernel programs",
                    );
                }
            }
        }
        // Lambdas outside any statement block (class bodies, a library's constants).
        for l in std::mem::take(&mut self.lambdas) {
            let range = TextRange::new(l.span.start.into(), l.span.end.into());
            let _: Lowered<()> = self.error(
                range,
                "`lambda` is only supported inside functions and statements in kernels",
            );
        }
        if script {
            let whole = body
                .first()
                .zip(body.last())
                .map(|(first, last)| TextRange::new(first.start(), last.end()))
                .unwrap_or_default();
            module.entry = ast::SCRIPT_ENTRY.to_string();
            module.functions.push(ast::FunctionDef {
                name: Ident {
                    name: ast::SCRIPT_ENTRY.to_string(),
                    span: span(TextRange::empty(whole.start())),
                },
                params: vec![],
                variadic: false,
                variadic_keywords: false,
                returns: None,
                body: script_body,
                span: span(whole),
                rpc: None,
            });
        }
        module.expr_count = self.next_expr;
        module
    }
}

/// Whether a top-level statement only declares something (so the module may be a kernel library).
fn is_declaration(index: usize, stmt: &py::Stmt) -> bool {
    match stmt {
        py::Stmt::FunctionDef(_)
        | py::Stmt::ClassDef(_)
        | py::Stmt::Import(_)
        | py::Stmt::ImportFrom(_)
        | py::Stmt::Pass(_) => true,
        py::Stmt::Expr(e) => index == 0 && e.value.is_string_literal_expr(),
        py::Stmt::Assign(a) => a.targets.len() == 1 && a.targets[0].is_name_expr(),
        py::Stmt::If(i) => is_main_guard(&i.test) && main_call(i).is_some(),
        _ => false,
    }
}

/// The names an `import` statement binds.
fn imports(stmt: &py::Stmt) -> Vec<ast::Import> {
    match stmt {
        // `import a.b` binds `a`, as in Python.
        py::Stmt::Import(i) => i
            .names
            .iter()
            .map(|a| {
                let module = a.name.id.to_string();
                let top = module.split('.').next().unwrap_or_default().to_string();
                let bound = a.asname.as_ref().map(|n| n.id.to_string()).unwrap_or(top);
                ast::Import {
                    module,
                    member: None,
                    bound,
                    span: span(a.range),
                }
            })
            .collect(),
        py::Stmt::ImportFrom(i) => {
            let module = i
                .module
                .as_ref()
                .map(|m| m.id.to_string())
                .unwrap_or_default();
            i.names
                .iter()
                .map(|a| {
                    let member = a.name.id.to_string();
                    let bound = a
                        .asname
                        .as_ref()
                        .map(|n| n.id.to_string())
                        .unwrap_or_else(|| member.clone());
                    ast::Import {
                        module: module.clone(),
                        member: Some(member),
                        bound,
                        span: span(a.range),
                    }
                })
                .collect()
        }
        _ => vec![],
    }
}

fn is_main_guard(test: &py::Expr) -> bool {
    let py::Expr::Compare(c) = test else {
        return false;
    };
    matches!(&*c.left, py::Expr::Name(n) if n.id.as_str() == "__name__")
        && c.ops.len() == 1
        && c.ops[0] == py::CmpOp::Eq
        && matches!(&c.comparators[0], py::Expr::StringLiteral(s) if s.value.to_str() == "__main__")
}

/// The span of `main()` when the guard's body is exactly that call.
fn main_call(i: &py::StmtIf) -> Option<crate::source::Span> {
    if !i.elif_else_clauses.is_empty() || i.body.len() != 1 {
        return None;
    }
    let py::Stmt::Expr(e) = &i.body[0] else {
        return None;
    };
    let py::Expr::Call(c) = &*e.value else {
        return None;
    };
    let is_main = matches!(&*c.func, py::Expr::Name(n) if n.id.as_str() == "main");
    (is_main && c.arguments.args.is_empty() && c.arguments.keywords.is_empty())
        .then(|| span(c.range()))
}

//! Which names a function body binds (Python's rule: any assignment makes a name local).

use strobe_syntax::ast::{Expr, ExprKind, Stmt, StmtKind};

fn add(name: &str, out: &mut Vec<String>) {
    if !out.iter().any(|n| n == name) {
        out.push(name.to_string());
    }
}

fn targets(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => add(n, out),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            items.iter().for_each(|i| targets(i, out))
        }
        _ => {}
    }
}

/// Names bound in `body`, in order of first binding; nested function bodies are not entered.
pub fn bound_names(body: &[Stmt], out: &mut Vec<String>) {
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets: ts, .. } => ts.iter().for_each(|t| targets(t, out)),
            StmtKind::AnnAssign { target, .. } | StmtKind::AugAssign { target, .. } => {
                targets(target, out)
            }
            StmtKind::For {
                target,
                body,
                orelse,
                ..
            } => {
                targets(target, out);
                bound_names(body, out);
                bound_names(orelse, out);
            }
            StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
                bound_names(body, out);
                bound_names(orelse, out);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                bound_names(body, out);
                for h in handlers {
                    if let Some(n) = &h.name {
                        add(&n.name, out);
                    }
                    bound_names(&h.body, out);
                }
                bound_names(orelse, out);
                bound_names(finalbody, out);
            }
            StmtKind::With { body, .. } => bound_names(body, out),
            StmtKind::FunctionDef(f) => add(&f.name.name, out),
            _ => {}
        }
    }
}

/// Does control never fall off the end of `body`?
pub fn always_exits(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Return(_) | StmtKind::Raise(_) => true,
        StmtKind::If { body, orelse, .. } => always_exits(body) && always_exits(orelse),
        StmtKind::While { test, body, .. } => {
            matches!(test.kind, ExprKind::Bool(true)) && !contains_break(body)
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            always_exits(finalbody)
                || ((always_exits(body) || always_exits(orelse))
                    && handlers.iter().all(|h| always_exits(&h.body)))
        }
        StmtKind::With { body, .. } => always_exits(body),
        _ => false,
    })
}

fn contains_break(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::Break => true,
        StmtKind::If { body, orelse, .. } => contains_break(body) || contains_break(orelse),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            contains_break(body)
                || contains_break(orelse)
                || contains_break(finalbody)
                || handlers.iter().any(|h| contains_break(&h.body))
        }
        StmtKind::With { body, .. } => contains_break(body),
        _ => false,
    })
}

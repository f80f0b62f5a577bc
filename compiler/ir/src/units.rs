//! Call graph walks, strongly connected components, and link units.

use crate::hash::IdentityHash;
use crate::tree::*;
use std::collections::BTreeSet;

/// A separately compiled and cached object: a root function (the entry or a link boundary) plus the
/// non-boundary functions it reaches, which are private to the unit.
#[derive(Clone, Debug)]
pub struct LinkUnit {
    pub root: FuncId,
    pub members: Vec<FuncId>,
    /// Boundary functions called from this unit (defined in other units).
    pub imports: Vec<FuncId>,
    /// Cache key: the root's IdentityHash covers every member transitively.
    pub key: IdentityHash,
    /// For each member (in `members`' order): the members it calls, and its size in IR
    /// expressions (a rough measure of the code it becomes).
    pub calls: Vec<(Vec<FuncId>, usize)>,
}

fn walk_place(p: &mut Place, f: &mut dyn FnMut(&mut Expr) -> bool) {
    match p {
        Place::Local(_) => {}
        Place::Field { object, .. } => walk_expr_pruned(object, f),
        Place::Index { list, index, .. } => {
            walk_expr_pruned(list, f);
            walk_expr_pruned(index, f);
        }
        Place::Slice { list, bounds, .. } => {
            walk_expr_pruned(list, f);
            bounds.iter_mut().for_each(|b| walk_expr_pruned(b, f));
        }
        Place::Unpack { places: ps, .. } => ps.iter_mut().for_each(|p| walk_place(p, f)),
        Place::ArrayIndex { array, indices, .. } => {
            walk_expr_pruned(array, f);
            indices.iter_mut().for_each(|i| walk_expr_pruned(i, f));
        }
    }
}

pub(crate) fn walk_stmts(stmts: &mut [Stmt], f: &mut dyn FnMut(&mut Expr)) {
    walk_stmts_pruned(stmts, &mut |e| {
        f(e);
        true
    })
}

/// As [`walk_stmts`], descending into an expression's parts only where `f` returns true.
pub(crate) fn walk_stmts_pruned(stmts: &mut [Stmt], f: &mut dyn FnMut(&mut Expr) -> bool) {
    for s in stmts {
        match s {
            Stmt::Expr(e) => walk_expr_pruned(e, f),
            Stmt::Assign(p, e) => {
                walk_expr_pruned(e, f);
                walk_place(p, f);
            }
            Stmt::If { cond, then, orelse }
            | Stmt::While {
                cond,
                body: then,
                orelse,
            } => {
                walk_expr_pruned(cond, f);
                walk_stmts_pruned(then, f);
                walk_stmts_pruned(orelse, f);
            }
            Stmt::ForRange {
                range: e,
                body,
                orelse,
                ..
            }
            | Stmt::ForList {
                list: e,
                body,
                orelse,
                ..
            } => {
                walk_expr_pruned(e, f);
                walk_stmts_pruned(body, f);
                walk_stmts_pruned(orelse, f);
            }
            Stmt::Break | Stmt::Continue | Stmt::Line(_) => {}
            Stmt::Return(e) | Stmt::Raise { exc: e, .. } => {
                if let Some(e) = e {
                    walk_expr_pruned(e, f)
                }
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                walk_stmts_pruned(body, f);
                for h in handlers {
                    walk_stmts_pruned(&mut h.body, f);
                }
                walk_stmts_pruned(orelse, f);
                walk_stmts_pruned(finally, f);
            }
            Stmt::Print { args, sep, end, .. } => {
                args.iter_mut().for_each(|a| walk_expr_pruned(a, f));
                sep.iter_mut()
                    .chain(end.iter_mut())
                    .for_each(|a| walk_expr_pruned(a, f));
            }
            Stmt::Assert { cond, msg, .. } => {
                walk_expr_pruned(cond, f);
                if let Some(m) = msg {
                    walk_expr_pruned(m, f);
                }
            }
        }
    }
}

/// Visits `e` and the expressions inside it (pre-order), descending into an expression's parts
/// only where `f` returns true.
pub(crate) fn walk_expr_pruned(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> bool) {
    if !f(e) {
        return;
    }
    match &mut e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::BytesLit(_)
        | ExprKind::None => {}
        ExprKind::Local(_)
        | ExprKind::LocalRef(_)
        | ExprKind::CheckedLocal { .. }
        | ExprKind::Quoted { .. } => {}
        ExprKind::Field { object: a, .. }
        | ExprKind::TupleGet { tuple: a, .. }
        | ExprKind::Not(a)
        | ExprKind::Neg(a)
        | ExprKind::Invert(a)
        | ExprKind::Truthy { value: a, .. }
        | ExprKind::Convert(a)
        | ExprKind::ListPop { list: a, .. }
        | ExprKind::Len(a)
        | ExprKind::ToStr { value: a, .. }
        | ExprKind::SecondsToMu { seconds: a, .. }
        | ExprKind::Sum(a)
        | ExprKind::Math { arg: a, .. }
        | ExprKind::Round { value: a, .. }
        | ExprKind::FloatToInt { value: a, .. }
        | ExprKind::ToBytes { value: a, .. }
        | ExprKind::ArrayFrom { value: a, .. }
        | ExprKind::ArrayShape(a)
        | ExprKind::Abs(a) => walk_expr_pruned(a, f),
        ExprKind::Index {
            list: a, index: b, ..
        }
        | ExprKind::Arith {
            left: a, right: b, ..
        }
        | ExprKind::Compare {
            left: a, right: b, ..
        }
        | ExprKind::ListRepeat {
            list: a, count: b, ..
        }
        | ExprKind::ListConcat {
            left: a, right: b, ..
        }
        | ExprKind::ListAppend {
            list: a, value: b, ..
        }
        | ExprKind::MatMul {
            left: a, right: b, ..
        }
        | ExprKind::Contains {
            item: a,
            container: b,
        } => {
            walk_expr_pruned(a, f);
            walk_expr_pruned(b, f);
        }
        ExprKind::Call { args: items, .. }
        | ExprKind::Rpc { args: items, .. }
        | ExprKind::ShortCircuit { values: items, .. }
        | ExprKind::ListLit(items)
        | ExprKind::TupleLit(items)
        | ExprKind::StrConcat { parts: items, .. }
        | ExprKind::Intrinsic { args: items, .. }
        | ExprKind::Libm { args: items, .. }
        | ExprKind::MinMax { values: items, .. } => {
            items.iter_mut().for_each(|i| walk_expr_pruned(i, f))
        }
        ExprKind::New { init, .. } => {
            if let Some((_, args)) = init {
                args.iter_mut().for_each(|i| walk_expr_pruned(i, f));
            }
        }
        ExprKind::NewException { message, .. } => {
            if let Some(m) = message {
                walk_expr_pruned(m, f);
            }
        }
        ExprKind::IfExp { cond, then, orelse } => {
            walk_expr_pruned(cond, f);
            walk_expr_pruned(then, f);
            walk_expr_pruned(orelse, f);
        }
        ExprKind::RangeLit {
            start, stop, step, ..
        } => {
            walk_expr_pruned(start, f);
            walk_expr_pruned(stop, f);
            walk_expr_pruned(step, f);
        }
        ExprKind::Block(stmts, value) => {
            walk_stmts_pruned(stmts, f);
            walk_expr_pruned(value, f);
        }
        ExprKind::Slice { value, bounds, .. } => {
            walk_expr_pruned(value, f);
            bounds.iter_mut().for_each(|b| walk_expr_pruned(b, f));
        }
        ExprKind::ArrayIndex { array, indices, .. } => {
            walk_expr_pruned(array, f);
            indices.iter_mut().for_each(|i| walk_expr_pruned(i, f));
        }
        ExprKind::ArraySlice { array, start, stop } => {
            walk_expr_pruned(array, f);
            start
                .iter_mut()
                .chain(stop.iter_mut())
                .for_each(|b| walk_expr_pruned(b, f));
        }
        ExprKind::ArrayMap { operands, body, .. } => {
            operands
                .iter_mut()
                .for_each(|(_, o)| walk_expr_pruned(o, f));
            walk_expr_pruned(body, f);
        }
    }
}

/// Rewrites every call target in `body`.
pub(crate) fn map_callees(body: &mut [Stmt], map: &mut dyn FnMut(FuncId) -> FuncId) {
    walk_stmts(body, &mut |e| {
        if let Some(func) = callee(e) {
            *func = map(*func);
        }
    });
}

/// The function `e` calls directly (a call, or a constructor's `__init__`), if any.
fn callee(e: &mut Expr) -> Option<&mut FuncId> {
    match &mut e.kind {
        ExprKind::Call { func, .. }
        | ExprKind::New {
            init: Some((func, _)),
            ..
        } => Some(func),
        _ => None,
    }
}

/// `f`'s callees (each once, in order of first appearance) and its size: the expressions in its
/// body, a rough measure of the code it becomes.
fn callees_and_size(f: &Function) -> (Vec<FuncId>, usize) {
    let mut callees = Vec::new();
    let mut size = 0;
    let mut body = f.body.clone();
    walk_stmts(&mut body, &mut |e| {
        size += 1;
        if let Some(&mut c) = callee(e) {
            if !callees.contains(&c) {
                callees.push(c);
            }
        }
    });
    (callees, size)
}

/// Every function's callees (in order of first appearance) and size, by function index: each
/// body walked once per compile, for hashing, link units and code generation's parts.
pub(crate) struct CallGraph {
    pub(crate) callees: Vec<Vec<FuncId>>,
    pub(crate) sizes: Vec<usize>,
}

pub(crate) fn call_graph(program: &Program) -> CallGraph {
    let (callees, sizes) = program.functions.iter().map(callees_and_size).unzip();
    CallGraph { callees, sizes }
}

/// Tarjan's algorithm over `graph` (from [`call_graph`]); components are returned callees-first.
pub(crate) fn strongly_connected_components(graph: &[Vec<FuncId>]) -> Vec<Vec<FuncId>> {
    struct State {
        index: Vec<Option<u32>>,
        low: Vec<u32>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: u32,
        out: Vec<Vec<FuncId>>,
        edges: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for i in 0..s.edges[v].len() {
            let w = s.edges[v][i];
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(FuncId(w as u32));
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let n = graph.len();
    let edges = graph
        .iter()
        .map(|callees| callees.iter().map(|c| c.0 as usize).collect())
        .collect();
    let mut s = State {
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: vec![],
        next: 0,
        out: vec![],
        edges,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

/// Roots are the entry and every boundary function; each unit takes what its root reaches
/// without crossing another boundary.
/// The link units of `program`, in image order: the entry's first, constructor units (`__init__`
/// roots) last. An experiment's constructors hold its host values, the part of a kernel that changes
/// between calls; laid out last, a changed one shifts nothing else in the image.
pub(crate) fn link_units(program: &Program, graph: &CallGraph) -> Vec<LinkUnit> {
    let mut units = units_by_root(program, graph);
    units.sort_by_key(|u| {
        (
            u.root != program.entry,
            program.function(u.root).name == "__init__",
        )
    });
    units
}

fn units_by_root(program: &Program, graph: &CallGraph) -> Vec<LinkUnit> {
    let roots: BTreeSet<FuncId> = std::iter::once(program.entry)
        .chain(
            program
                .functions
                .iter()
                .enumerate()
                .filter(|(_, f)| f.boundary)
                .map(|(i, _)| FuncId(i as u32)),
        )
        .collect();
    roots
        .into_iter()
        .map(|root| {
            let mut members = vec![root];
            let mut imports = Vec::new();
            let mut i = 0;
            while i < members.len() {
                for &c in &graph.callees[members[i].0 as usize] {
                    if program.function(c).boundary && c != root {
                        if !imports.contains(&c) {
                            imports.push(c);
                        }
                    } else if !members.contains(&c) {
                        members.push(c);
                    }
                }
                i += 1;
            }
            let calls = members
                .iter()
                .map(|m| {
                    let callees = &graph.callees[m.0 as usize];
                    let inside = callees.iter().copied().filter(|c| members.contains(c));
                    (inside.collect(), graph.sizes[m.0 as usize])
                })
                .collect();
            LinkUnit {
                root,
                members,
                imports,
                key: program.function(root).identity,
                calls,
            }
        })
        .collect()
}

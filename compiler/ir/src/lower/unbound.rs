//! Reads of a local that may not be assigned yet. CPython raises UnboundLocalError there; so do
//! kernels: a flow analysis over the function's statements finds the reads no assignment
//! definitely precedes (the first iteration of a loop sees only what came before the loop; after
//! a loop, `if` or `try`, only what every way through assigned), and each local read so gets an
//! "assigned" flag (false, as every local starts zeroed), set after each of its assignments and
//! checked at those reads (`ExprKind::CheckedLocal`). Locals always assigned before use cost
//! nothing.

use crate::tree::*;

/// Adds the flags and checks `f` needs.
pub(super) fn check_unbound_reads(f: &mut Function) {
    let mut body = std::mem::take(&mut f.body);
    // Variables the function assigns (not parameters, nested functions or the elements an
    // elementwise operation binds).
    let mut candidates = vec![false; f.locals.len()];
    assigned_anywhere(&mut body, &mut candidates);
    for p in &f.params {
        candidates[p.0 as usize] = false;
    }
    for (i, l) in f.locals.iter().enumerate() {
        candidates[i] &= l.kind == LocalKind::Value;
    }
    let mut pass = Pass {
        candidates,
        flags: vec![None; f.locals.len()],
        new_flags: Vec::new(),
        line: f.line,
    };
    let mut state = State::entry(f.locals.len());
    pass.stmts(&mut body, &mut state);
    if pass.new_flags.is_empty() {
        f.body = body;
        return;
    }
    for (local, flag) in &pass.new_flags {
        let name = format!("{}.assigned", f.locals[local.0 as usize].name);
        debug_assert_eq!(flag.0 as usize, f.locals.len());
        f.locals.push(Local {
            name,
            ty: Type::Bool,
            kind: LocalKind::Value,
        });
    }
    set_flags(&mut body, &pass.flags);
    f.body = body;
}

/// The locals definitely assigned at a point, and whether the point is reachable at all.
#[derive(Clone)]
struct State {
    assigned: Vec<bool>,
    reachable: bool,
}

impl State {
    fn entry(locals: usize) -> State {
        State {
            assigned: vec![false; locals],
            reachable: true,
        }
    }

    /// Where two ways through meet: assigned on both (an unreachable way adds nothing).
    fn meet(&mut self, other: &State) {
        if !other.reachable {
            return;
        }
        if !self.reachable {
            *self = other.clone();
            return;
        }
        for (a, b) in self.assigned.iter_mut().zip(&other.assigned) {
            *a &= *b;
        }
    }
}

struct Pass {
    candidates: Vec<bool>,
    /// Each local's flag, once one of its reads needs it.
    flags: Vec<Option<LocalId>>,
    new_flags: Vec<(LocalId, LocalId)>,
    /// The source line of the statement being analysed.
    line: Line,
}

impl Pass {
    fn flag(&mut self, local: LocalId) -> LocalId {
        if let Some(f) = self.flags[local.0 as usize] {
            return f;
        }
        let flag = LocalId((self.flags.len() + self.new_flags.len()) as u32);
        self.flags[local.0 as usize] = Some(flag);
        self.new_flags.push((local, flag));
        flag
    }

    fn stmts(&mut self, body: &mut [Stmt], state: &mut State) {
        for s in body {
            self.stmt(s, state);
        }
    }

    fn stmt(&mut self, s: &mut Stmt, state: &mut State) {
        match s {
            Stmt::Line(l) => self.line = *l,
            Stmt::Expr(e) => self.reads(e, state),
            Stmt::Assign(place, value) => {
                self.reads(value, state);
                self.place_reads(place, state);
                assign_place(place, state);
            }
            Stmt::If { cond, then, orelse } => {
                self.reads(cond, state);
                let mut other = state.clone();
                self.stmts(then, state);
                self.stmts(orelse, &mut other);
                state.meet(&other);
            }
            Stmt::While { cond, body, orelse } => {
                self.reads(cond, state);
                self.stmts(body, &mut state.clone());
                self.stmts(orelse, &mut state.clone());
            }
            Stmt::ForRange {
                var,
                range: e,
                body,
                orelse,
            } => self.for_loop(e, &[*var], body, orelse, state),
            Stmt::ForList {
                var,
                index,
                list: e,
                body,
                orelse,
            } => {
                let vars: Vec<LocalId> = std::iter::once(*var).chain(*index).collect();
                self.for_loop(e, &vars, body, orelse, state)
            }
            Stmt::Break | Stmt::Continue => state.reachable = false,
            Stmt::Return(e) | Stmt::Raise { exc: e, .. } => {
                if let Some(e) = e {
                    self.reads(e, state);
                }
                state.reachable = false;
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                let before = state.clone();
                self.stmts(body, state);
                self.stmts(orelse, state);
                for h in handlers {
                    let mut handled = before.clone();
                    if let Some(b) = h.bind {
                        handled.assigned[b.0 as usize] = true;
                    }
                    self.stmts(&mut h.body, &mut handled);
                    state.meet(&handled);
                }
                // `finally` also runs after an exception anywhere: its reads see only what came
                // before the `try`; what follows sees its assignments too.
                self.stmts(finally, &mut before.clone());
                let reachable = state.reachable;
                state.reachable = true;
                self.stmts(finally, state);
                state.reachable &= reachable;
            }
            Stmt::Print { args, sep, end, .. } => {
                for e in args.iter_mut().chain(sep.iter_mut()).chain(end.iter_mut()) {
                    self.reads(e, state);
                }
            }
            Stmt::Assert { cond, msg, .. } => {
                self.reads(cond, state);
                if let Some(m) = msg {
                    self.reads(m, state);
                }
            }
        }
    }

    /// A loop's body sees what came before it and its variables; what follows, what came before.
    fn for_loop(
        &mut self,
        iterated: &mut Expr,
        vars: &[LocalId],
        body: &mut [Stmt],
        orelse: &mut [Stmt],
        state: &mut State,
    ) {
        self.reads(iterated, state);
        let mut inside = state.clone();
        for v in vars {
            inside.assigned[v.0 as usize] = true;
        }
        self.stmts(body, &mut inside);
        self.stmts(orelse, &mut state.clone());
    }

    fn place_reads(&mut self, place: &mut Place, state: &mut State) {
        match place {
            Place::Local(_) => {}
            Place::Field { object, .. } => self.reads(object, state),
            Place::Index { list, index, .. } => {
                self.reads(list, state);
                self.reads(index, state);
            }
            Place::Slice { list, bounds, .. } => {
                self.reads(list, state);
                for b in bounds.iter_mut() {
                    self.reads(b, state);
                }
            }
            Place::ArrayIndex { array, indices, .. } => {
                self.reads(array, state);
                for i in indices {
                    self.reads(i, state);
                }
            }
            Place::Unpack { places, .. } => {
                for p in places {
                    self.place_reads(p, state);
                }
            }
        }
    }

    /// Checks the reads in `e` of locals `state` does not have assigned. The statements of a
    /// block inside (a comprehension, a loop's setup) run as part of it: what they assign stays
    /// assigned.
    fn reads(&mut self, e: &mut Expr, state: &mut State) {
        if !state.reachable {
            return;
        }
        let line = self.line;
        crate::units::walk_expr_pruned(e, &mut |e| match &mut e.kind {
            ExprKind::Local(l)
                if self.candidates[l.0 as usize] && !state.assigned[l.0 as usize] =>
            {
                let local = *l;
                let flag = self.flag(local);
                e.kind = ExprKind::CheckedLocal { local, flag, line };
                false
            }
            ExprKind::Block(stmts, value) => {
                self.stmts(stmts, state);
                self.reads(value, state);
                false
            }
            _ => true,
        });
    }
}

/// The locals an assignment to `place` assigns.
fn assign_place(place: &Place, state: &mut State) {
    match place {
        Place::Local(l) => state.assigned[l.0 as usize] = true,
        Place::Unpack { places, .. } => places.iter().for_each(|p| assign_place(p, state)),
        _ => {}
    }
}

/// After each assignment of a local that has a flag, the flag is set (for a loop variable or an
/// exception's name, first thing in the body it is assigned for).
fn set_flags(body: &mut Vec<Stmt>, flags: &[Option<LocalId>]) {
    let flag_set = |flag: LocalId| {
        Stmt::Assign(
            Place::Local(flag),
            Expr {
                kind: ExprKind::Bool(true),
                ty: Type::Bool,
            },
        )
    };
    let flag_of = |l: LocalId| flags.get(l.0 as usize).copied().flatten();
    let mut out = Vec::with_capacity(body.len());
    for mut s in std::mem::take(body) {
        let mut after = Vec::new();
        if let Stmt::Assign(place, _) = &s {
            let mut locals = Vec::new();
            place_locals(place, &mut locals);
            after.extend(locals.into_iter().filter_map(flag_of).map(flag_set));
        }
        for (nested, bound) in nested_bodies(&mut s) {
            set_flags(nested, flags);
            for l in bound {
                if let Some(f) = flag_of(l) {
                    nested.insert(0, flag_set(f));
                }
            }
        }
        out.push(s);
        out.extend(after);
    }
    *body = out;
}

/// The statement lists inside `s`, each with the locals it assigns on entry (a loop's variables,
/// an exception handler's name).
fn nested_bodies(s: &mut Stmt) -> Vec<(&mut Vec<Stmt>, Vec<LocalId>)> {
    match s {
        Stmt::If { then, orelse, .. } => vec![(then, vec![]), (orelse, vec![])],
        Stmt::While { body, orelse, .. } => vec![(body, vec![]), (orelse, vec![])],
        Stmt::ForRange {
            var, body, orelse, ..
        } => vec![(body, vec![*var]), (orelse, vec![])],
        Stmt::ForList {
            var,
            index,
            body,
            orelse,
            ..
        } => {
            let vars = std::iter::once(*var).chain(*index).collect();
            vec![(body, vars), (orelse, vec![])]
        }
        Stmt::Try {
            body,
            handlers,
            orelse,
            finally,
        } => {
            let mut out = vec![(body, vec![]), (orelse, vec![]), (finally, vec![])];
            out.extend(
                handlers
                    .iter_mut()
                    .map(|h| (&mut h.body, h.bind.into_iter().collect())),
            );
            out
        }
        _ => vec![],
    }
}

/// Marks every local a statement of `body` assigns, also inside comprehensions.
fn assigned_anywhere(body: &mut [Stmt], out: &mut [bool]) {
    assigned_by_statements(body, out);
    crate::units::walk_stmts_pruned(body, &mut |e| {
        if let ExprKind::Block(stmts, _) = &mut e.kind {
            assigned_anywhere(stmts, out);
            return false;
        }
        true
    });
}

/// Marks the locals `body`'s statements (nested ones too, not those inside expressions) assign.
fn assigned_by_statements(body: &mut [Stmt], out: &mut [bool]) {
    for s in body {
        let mut locals = Vec::new();
        if let Stmt::Assign(place, _) = &*s {
            place_locals(place, &mut locals);
        }
        for (nested, bound) in nested_bodies(s) {
            locals.extend(bound);
            assigned_by_statements(nested, out);
        }
        for l in locals {
            out[l.0 as usize] = true;
        }
    }
}

fn place_locals(place: &Place, out: &mut Vec<LocalId>) {
    match place {
        Place::Local(l) => out.push(*l),
        Place::Unpack { places, .. } => places.iter().for_each(|p| place_locals(p, out)),
        _ => {}
    }
}

//! The defaults inference falls back on when solving is stuck (`Checker::solve_all`): integer
//! literals become int32 (call arguments first, attributes' last), an operand of unknown type takes
//! its partner's, a function whose result nothing fixed returns None.

use crate::infer::Checker;
use crate::Ty;
use strobe_syntax::Span;

impl Checker<'_> {
    /// A function whose result nothing determined never returns normally (it always raises): it
    /// returns None, and what waited for its result (a call's use) can go on. Returns whether
    /// anything changed.
    pub(crate) fn default_never_returning(&mut self) -> bool {
        let mut changed = false;
        for i in 0..self.instances.len() {
            let ret = self.instances[i].ret.clone();
            if let Ty::Var(_) = self.table.shallow(&ret) {
                changed |= self.table.unify(&ret, &Ty::None, Span::default()).is_ok();
            }
        }
        changed
    }

    /// The integer-literal variables stored in attributes (`self.t = 0`, a quoted host value):
    /// they default last, as a method not checked yet may store an int64 there
    /// (`self.t = now_mu()`).
    fn attribute_literals(&self) -> Vec<crate::ty::TVar> {
        self.classes
            .iter()
            .flat_map(|c| c.fields.iter())
            .filter_map(|(_, ty, _)| match self.table.shallow(ty) {
                Ty::Var(v) if self.table.is_int_literal_var(ty) => Some(v),
                _ => None,
            })
            .collect()
    }

    /// Integer literals passed to a known callee whose instance waits for them (`B(0, a)`) become
    /// int32 first, so that instance is checked before the literals elsewhere (which its result
    /// may still give another type) default too; not attributes' (see
    /// [`Self::attribute_literals`]). Returns whether anything changed.
    pub(crate) fn default_call_literals(&mut self) -> bool {
        let held = self.attribute_literals();
        let waiting: Vec<Ty> = self
            .deferred
            .iter()
            .filter_map(|c| match c {
                crate::solve::Deferred::Call { callee, args, .. }
                    if !matches!(self.table.shallow(callee), Ty::Var(_)) =>
                {
                    Some(args.iter().map(|(ty, _)| ty.clone()))
                }
                _ => None,
            })
            .flatten()
            .filter(|arg| !matches!(self.table.shallow(arg), Ty::Var(v) if held.contains(&v)))
            .collect();
        waiting.iter().fold(false, |changed, arg| {
            self.table.default_int_literals_in(arg) | changed
        })
    }

    /// Integer literals become int32, except those combined with an operand whose type is not
    /// known yet (`f(xs) % 7` while the instance of `f` still waits for literals of its own): its
    /// type may still be int64, which the literal then takes; and those stored in attributes
    /// (`self.t = 0`, a quoted host value): a method not checked yet may store an int64 there
    /// (`self.t = now_mu()`). Those default last. Returns whether anything changed.
    pub(crate) fn default_unpaired_literals(&mut self) -> bool {
        let mut held = self.attribute_literals();
        for c in &self.deferred {
            let (crate::solve::Deferred::BinOp { left, right, .. }
            | crate::solve::Deferred::Compare { left, right, .. }) = c
            else {
                continue;
            };
            for (a, b) in [(left, right), (right, left)] {
                if let (Ty::Var(v), Ty::Var(_)) = (self.table.shallow(a), self.table.shallow(b)) {
                    if self.table.is_int_literal_var(a) && !self.table.is_int_literal_var(b) {
                        held.push(v);
                    }
                }
            }
        }
        self.table.default_int_literals_except(&held)
    }

    /// For stuck arithmetic and comparisons with one operand of unknown type and one number: gives
    /// the unknown operand the number's type. Returns whether anything changed.
    pub(crate) fn default_operands(&mut self) -> bool {
        let pairs: Vec<(Ty, Ty, Span)> = self
            .deferred
            .iter()
            .filter_map(|c| match c {
                crate::solve::Deferred::BinOp {
                    left, right, span, ..
                }
                | crate::solve::Deferred::Compare {
                    left, right, span, ..
                } => Some((left.clone(), right.clone(), *span)),
                _ => None,
            })
            .collect();
        let mut changed = false;
        for (left, right, span) in pairs {
            let (l, r) = (self.table.shallow(&left), self.table.shallow(&right));
            let number = |t: &Ty| matches!(t, Ty::Int32 | Ty::Int64 | Ty::Float);
            let (var, known) = match (&l, &r) {
                (Ty::Var(_), k) if number(k) => (l.clone(), k.clone()),
                (k, Ty::Var(_)) if number(k) => (r.clone(), k.clone()),
                _ => continue,
            };
            changed |= self.table.unify(&var, &known, span).is_ok();
        }
        changed
    }
}

//! Unpacking assignments (`a, b = value`, `[a, b] = value`, `for a, b in ...`): from a tuple, each
//! place takes its item's type; from a list, every place takes the list's item type (the length is
//! checked when the program runs).

use crate::infer::Checker;
use crate::solve::{Deferred, Step};
use crate::ty::Ty;
use strobe_syntax::Span;

impl Checker<'_> {
    pub(crate) fn solve_unpack(&mut self, value: &Ty, parts: &[Ty], span: Span) -> Step {
        match self.table.shallow(value) {
            Ty::Var(_) => Step::Pending,
            Ty::List(item) => {
                for part in parts {
                    self.unify(part, &item, span, "an item of the unpacked list");
                }
                Step::Solved
            }
            _ => {
                self.unify(&Ty::Tuple(parts.to_vec()), value, span, "a tuple unpacking");
                Step::Solved
            }
        }
    }

    /// An unpacked value whose type nothing else decided (a host function's unannotated result)
    /// is a tuple. Returns whether anything changed.
    pub(crate) fn default_unpackings(&mut self) -> bool {
        let stuck: Vec<(Ty, Vec<Ty>, Span)> = self
            .deferred
            .iter()
            .filter_map(|c| match c {
                Deferred::Unpack { value, parts, span } => {
                    Some((value.clone(), parts.clone(), *span))
                }
                _ => None,
            })
            .collect();
        let mut changed = false;
        for (value, parts, span) in stuck {
            if let Ty::Var(_) = self.table.shallow(&value) {
                changed |= self.unify(&Ty::Tuple(parts), &value, span, "a tuple unpacking");
            }
        }
        changed
    }
}

//! Assignments to places whose kind the assigned value or container decides: unpacking (`a, b =
//! value`, `[a, b] = value`, `for a, b in ...`: from a tuple, each place takes its item's type; from
//! a list, every place the list's item type, the length checked when the program runs), and
//! indexed stores (`c[i] = v`: a list's item or a bytearray's byte).

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

    pub(crate) fn solve_index_store(
        &mut self,
        container: &Ty,
        (index, index_span): (&Ty, Span),
        value: &Ty,
        container_span: Span,
        value_span: Span,
        span: Span,
    ) -> Step {
        let container = self.table.shallow(container);
        let numeric_index = Deferred::Numeric {
            ty: index.clone(),
            integer: true,
            span: index_span,
        };
        match container {
            Ty::Var(_) => return Step::Pending,
            Ty::Tuple(_) => self.error(span, "tuples are immutable"),
            Ty::Str => self.error(span, "strings are immutable"),
            Ty::Bytes => self.error(span, "bytes are immutable (a bytearray is not)"),
            Ty::ByteArray => {
                self.deferred.push(numeric_index);
                self.unify(&Ty::Int32, value, value_span, "a byte assignment");
            }
            Ty::Array(elem, dims) => match self.array_index(&elem, dims, index, index_span) {
                None => return Step::Pending,
                Some(None) => {}
                Some(Some(Ty::Array(..))) => self.error(
                    span,
                    "kernels assign arrays one element at a time: index every dimension",
                ),
                Some(Some(item)) => {
                    self.unify(&item, value, value_span, "an array element assignment");
                }
            },
            _ => {
                self.deferred.push(numeric_index);
                let item = self.table.fresh();
                let list = Ty::List(Box::new(item.clone()));
                if self.unify(&list, &container, container_span, "an indexed assignment") {
                    self.unify(&item, value, value_span, "a list element assignment");
                }
            }
        }
        Step::Solved
    }

    /// An unpacked value whose type nothing else decided (a host function's unannotated result)
    /// is a tuple, a container stored into by index a list. Returns whether anything changed.
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
        // A container of unknown type stored into by index is a list.
        let stores: Vec<(Ty, Span)> = self
            .deferred
            .iter()
            .filter_map(|c| match c {
                Deferred::IndexStore {
                    container,
                    container_span,
                    ..
                } => Some((container.clone(), *container_span)),
                _ => None,
            })
            .collect();
        for (container, span) in stores {
            if let Ty::Var(_) = self.table.shallow(&container) {
                let list = Ty::List(Box::new(self.table.fresh()));
                changed |= self.unify(&list, &container, span, "an indexed assignment");
            }
        }
        changed
    }
}

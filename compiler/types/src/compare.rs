//! Comparisons: numbers, strings, None, identity (`is`), and tuples and lists element by element.

use crate::infer::Checker;
use crate::solve::Step;
use crate::ty::Ty;
use strobe_syntax::ast::CmpOp;
use strobe_syntax::Span;

impl Checker<'_> {
    pub(crate) fn solve_compare(&mut self, op: CmpOp, left: &Ty, right: &Ty, span: Span) -> Step {
        match op {
            CmpOp::In | CmpOp::NotIn => {
                return match self.table.shallow(right) {
                    Ty::Var(_) => Step::Pending,
                    Ty::List(e) => {
                        self.unify(&e, left, span, "the `in` test");
                        Step::Solved
                    }
                    Ty::Range(e) => {
                        self.unify(&e, left, span, "the `in` test");
                        Step::Solved
                    }
                    other => {
                        let msg = format!(
                            "`in` is supported on lists and ranges, not on {}",
                            self.show(&other)
                        );
                        self.error(span, msg);
                        Step::Solved
                    }
                };
            }
            CmpOp::Is | CmpOp::IsNot => {
                return match (self.table.shallow(left), self.table.shallow(right)) {
                    (Ty::Var(_), _) | (_, Ty::Var(_)) => Step::Pending,
                    (_, Ty::None) | (Ty::None, _) => Step::Solved,
                    // Identity of lists, arrays, bytearrays and objects (mutable: each value is
                    // one object); numbers, strings, bytes and tuples compare by value.
                    (Ty::List(_), Ty::List(_))
                    | (Ty::Array(..), Ty::Array(..))
                    | (Ty::ByteArray, Ty::ByteArray)
                    | (Ty::Object(_), Ty::Object(_)) => {
                        self.unify(left, right, span, "an `is` test");
                        Step::Solved
                    }
                    _ => self.solve_compare(CmpOp::Eq, left, right, span),
                };
            }
            _ => {}
        }
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::NotEq);
        let (ls, rs) = (self.table.shallow(left), self.table.shallow(right));
        if let (Ty::Tuple(_), Ty::Tuple(_)) | (Ty::List(_), Ty::List(_)) = (&ls, &rs) {
            return self.solve_sequence_compare(ordered, left, right, span);
        }
        if (self.table.is_int_literal_var(&ls) && rs == Ty::Float)
            || (self.table.is_int_literal_var(&rs) && ls == Ty::Float)
        {
            return Step::Solved;
        }
        let Some((l, r)) = self.settle_numeric_pair(left, right, span) else {
            return Step::Pending;
        };
        let ok = match (&l, &r) {
            (Ty::Int32, Ty::Int64) | (Ty::Int64, Ty::Int32) => {
                let msg =
                    "cannot compare int32 with int64; convert one side with int64() or int32()";
                self.error(span, msg);
                return Step::Solved;
            }
            (a, b) if a.is_numeric() && b.is_numeric() => {
                a != &Ty::Bool && b != &Ty::Bool || a == b
            }
            (Ty::Str, Ty::Str) => !ordered,
            (Ty::Bytes | Ty::ByteArray, Ty::Bytes | Ty::ByteArray) => !ordered,
            (Ty::None, Ty::None) => !ordered,
            _ => false,
        };
        if !ok {
            let msg = format!(
                "cannot compare {} with {} in kernels",
                self.show(&l),
                self.show(&r)
            );
            self.error(span, msg);
        }
        Step::Solved
    }

    /// Tuples and lists compare element by element, then by length, as in Python: both sides
    /// have one type, whose elements must be comparable themselves.
    fn solve_sequence_compare(&mut self, ordered: bool, left: &Ty, right: &Ty, span: Span) -> Step {
        if !self.unify(left, right, span, "a comparison") {
            return Step::Solved;
        }
        let ty = self.table.resolve(left);
        if !ty.is_ground() {
            return Step::Pending;
        }
        if !comparable(&ty, ordered) {
            let kind = if ordered { "ordered" } else { "compared" };
            let msg = format!(
                "values of type {} cannot be {kind} in kernels",
                self.show(&ty)
            );
            self.error(span, msg);
        }
        Step::Solved
    }
}

/// Whether values of a ground type can be compared (`==`), or ordered (`<`), element by element.
fn comparable(ty: &Ty, ordered: bool) -> bool {
    match ty {
        Ty::Int32 | Ty::Int64 | Ty::Float | Ty::Bool => true,
        Ty::Str | Ty::None | Ty::Bytes | Ty::ByteArray => !ordered,
        Ty::Tuple(items) => items.iter().all(|t| comparable(t, ordered)),
        Ty::List(item) => comparable(item, ordered),
        _ => false,
    }
}

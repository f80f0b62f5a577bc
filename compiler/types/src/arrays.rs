//! numpy arrays in kernels, as ARTIQ has them: `array(xs)` of nested lists (or arrays) of numbers,
//! indexing by an int or a tuple of ints (an element, or a view of the rest), slices of the first
//! axis (views), iteration, `.shape`, elementwise arithmetic with arrays of the same dimensions or
//! with scalars, the math functions elementwise, and `@`.

use crate::infer::Checker;
use crate::solve::{Deferred, Step};
use crate::ty::Ty;
use strobe_syntax::ast::BinOp;
use strobe_syntax::Span;

/// The most dimensions an array may have (the kernel ABI's).
pub const MAX_ARRAY_DIMS: i64 = strobe_abi::MAX_ARRAY_DIMS as i64;

/// What a numeric operation on two operand types gives.
pub(crate) enum Numeric {
    /// An operand's type is not known yet.
    Pending,
    Result(Ty),
    /// Not two numbers: other rules may apply.
    NotNumbers(Ty, Ty),
    /// Reported.
    Refused,
}

/// The array type of `elem` with `dims` dimensions, or `elem` itself with none.
pub(crate) fn array_of(elem: Ty, dims: u8) -> Ty {
    if dims == 0 {
        elem
    } else {
        Ty::Array(Box::new(elem), dims)
    }
}

impl Checker<'_> {
    /// `array(value)`: the element type and dimensions come from the nesting of `value`'s lists and
    /// arrays, or, while those are unknown, from an array type the result already has.
    pub(crate) fn solve_array_from(&mut self, value: &Ty, result: &Ty, span: Span) -> Step {
        match self.nesting(value) {
            Some((elem, dims)) => {
                match self.table.shallow(&elem) {
                    Ty::Var(_) | Ty::Int32 | Ty::Int64 | Ty::Float | Ty::Bool | Ty::Str => {}
                    other => {
                        let msg = format!(
                            "arrays hold numbers, bools or strings, not {}",
                            self.show(&other)
                        );
                        self.error(span, msg);
                        return Step::Solved;
                    }
                }
                if dims == 0 {
                    let shown = match self.table.shallow(&elem) {
                        t if t.is_numeric() || self.table.is_int_literal_var(&t) => {
                            "a number".to_string()
                        }
                        t => self.show(&t),
                    };
                    let msg = format!("`array()` takes a list or an array, not {shown}");
                    self.error(span, msg);
                } else if dims as i64 > MAX_ARRAY_DIMS {
                    let msg = format!("arrays have at most {MAX_ARRAY_DIMS} dimensions in kernels");
                    self.error(span, msg);
                } else {
                    self.unify(result, &array_of(elem, dims), span, "the new array");
                }
                Step::Solved
            }
            None => match self.table.shallow(result) {
                Ty::Array(elem, dims) => {
                    // Known from elsewhere (`a = array([1]); a = array([])`): the lists nest as deep.
                    let mut nested = *elem;
                    for _ in 0..dims {
                        nested = Ty::List(Box::new(nested));
                    }
                    self.unify(&nested, value, span, "the argument of `array()`");
                    Step::Solved
                }
                _ => Step::Pending,
            },
        }
    }

    /// `array([])` whose element type nothing else decides is of floats, numpy's default. Returns
    /// whether anything changed.
    pub(crate) fn default_empty_arrays(&mut self) -> bool {
        let stuck: Vec<(Ty, Span)> = self
            .deferred
            .iter()
            .filter_map(|c| match c {
                Deferred::ArrayFrom { value, span, .. } => Some((value.clone(), *span)),
                _ => None,
            })
            .collect();
        let mut changed = false;
        for (value, span) in stuck {
            let mut t = self.table.shallow(&value);
            while let Ty::List(item) = t {
                t = self.table.shallow(&item);
            }
            if matches!(t, Ty::Var(_)) && !self.table.is_int_literal_var(&t) {
                changed |= self.unify(&t, &Ty::Float, span, "an empty array's element");
            }
        }
        changed
    }

    /// The innermost item type of nested lists and arrays, and how many levels there are; None
    /// while a level is unknown.
    fn nesting(&self, ty: &Ty) -> Option<(Ty, u8)> {
        match self.table.shallow(ty) {
            Ty::List(item) => {
                let (elem, dims) = self.nesting(&item)?;
                Some((elem, dims.saturating_add(1)))
            }
            Ty::Array(elem, dims) => Some((self.table.shallow(&elem), dims)),
            t @ Ty::Var(_) if !self.table.is_int_literal_var(&t) => None,
            other => Some((other, 0)),
        }
    }

    /// `array[index]` (None while the index type is unknown, Some(None) when refused): an int picks along the first axis, a tuple of ints along the first ones; an
    /// index covering every axis gives an element, a shorter one a view of the rest.
    pub(crate) fn array_index(
        &mut self,
        elem: &Ty,
        dims: u8,
        index: &Ty,
        span: Span,
    ) -> Option<Option<Ty>> {
        let parts = match self.table.shallow(index) {
            Ty::Tuple(items) => items,
            Ty::Var(_) if !self.table.is_int_literal_var(index) => return None,
            _ => vec![index.clone()],
        };
        if parts.len() > dims as usize {
            let msg = format!(
                "too many indices: {} for an array of {dims} dimension{}",
                parts.len(),
                if dims == 1 { "" } else { "s" }
            );
            self.error(span, msg);
            return Some(None);
        }
        for p in parts.iter() {
            self.deferred.push(Deferred::Numeric {
                ty: p.clone(),
                integer: true,
                span,
            });
        }
        Some(Some(array_of(elem.clone(), dims - parts.len() as u8)))
    }

    /// Operators with an array operand: elementwise with a scalar or an array of the same
    /// dimensions, or `@`.
    pub(crate) fn solve_array_binop(
        &mut self,
        op: BinOp,
        (l, r): (Ty, Ty),
        result: &Ty,
        span: Span,
    ) -> Step {
        let split = |t: &Ty| match t {
            Ty::Array(e, n) => ((**e).clone(), *n),
            other => (other.clone(), 0),
        };
        let ((le, ln), (re, rn)) = (split(&l), split(&r));
        if op == BinOp::MatMult {
            return self.solve_matmul((le, ln), (re, rn), result, span);
        }
        if matches!(
            op,
            BinOp::LShift | BinOp::RShift | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor
        ) {
            self.error(
                span,
                format!("`{}` is not supported on arrays in kernels", op.symbol()),
            );
            return Step::Solved;
        }
        if ln != 0 && rn != 0 && ln != rn {
            let msg = format!(
                "`{}` of arrays of {ln} and {rn} dimensions: kernels combine arrays of the same shape, or an array and a number",
                op.symbol()
            );
            self.error(span, msg);
            return Step::Solved;
        }
        match self.numeric(op, &le, &re, span) {
            Numeric::Pending => Step::Pending,
            Numeric::Result(elem) => {
                self.unify(result, &array_of(elem, ln.max(rn)), span, "an array result");
                Step::Solved
            }
            Numeric::NotNumbers(..) => {
                self.unsupported_operands(op, &l, &r, span);
                Step::Solved
            }
            Numeric::Refused => Step::Solved,
        }
    }

    /// `a @ b` of arrays of one or two dimensions: a number for two vectors, else a vector or a
    /// matrix as numpy's.
    fn solve_matmul(
        &mut self,
        (le, ln): (Ty, u8),
        (re, rn): (Ty, u8),
        result: &Ty,
        span: Span,
    ) -> Step {
        if !(1..=2).contains(&ln) || !(1..=2).contains(&rn) {
            self.error(
                span,
                "`@` takes arrays of one or two dimensions (a vector or a matrix) on both sides",
            );
            return Step::Solved;
        }
        match self.numeric(BinOp::Mult, &le, &re, span) {
            Numeric::Pending => Step::Pending,
            Numeric::Result(elem) => {
                let dims = ln + rn - 2;
                self.unify(result, &array_of(elem, dims), span, "a matrix product");
                Step::Solved
            }
            Numeric::NotNumbers(l, r) => {
                let msg = format!(
                    "`@` multiplies arrays of numbers, not of {} and {}",
                    self.show(&l),
                    self.show(&r)
                );
                self.error(span, msg);
                Step::Solved
            }
            Numeric::Refused => Step::Solved,
        }
    }

    /// `-a`, `+a`, `~a` and the math functions: on a number, or on each element of an array.
    pub(crate) fn solve_elementwise(&mut self, ty: &Ty, integer: bool, span: Span) -> Step {
        match self.table.shallow(ty) {
            Ty::Array(elem, _) => {
                self.deferred.push(Deferred::Numeric {
                    ty: *elem,
                    integer,
                    span,
                });
                Step::Solved
            }
            t @ Ty::Var(_) if !self.table.is_int_literal_var(&t) => Step::Pending,
            t => {
                self.deferred.push(Deferred::Numeric {
                    ty: t,
                    integer,
                    span,
                });
                Step::Solved
            }
        }
    }

    /// `f(args...)` of a math function: each argument a number or an array of numbers.
    pub(crate) fn float_function(
        &mut self,
        ctx: &mut crate::infer::Ctx,
        args: &[strobe_syntax::ast::Expr],
        scalar: Ty,
        span: Span,
    ) -> Ty {
        let mut tys = Vec::new();
        for a in args {
            let t = self.expr(ctx, a);
            self.deferred.push(Deferred::Elementwise {
                ty: t.clone(),
                integer: false,
                span: a.span,
            });
            tys.push(t);
        }
        let result = self.table.fresh();
        self.deferred.push(Deferred::MathResult {
            args: tys,
            scalar,
            result: result.clone(),
            span,
        });
        result
    }

    /// A math function's result: `scalar` for numbers, an array of them for arrays (all of the
    /// same dimensions; numbers go with every element).
    pub(crate) fn solve_math_result(
        &mut self,
        args: &[Ty],
        scalar: Ty,
        result: &Ty,
        span: Span,
    ) -> Step {
        let mut dims = 0;
        for arg in args {
            match self.table.shallow(arg) {
                Ty::Array(_, n) if dims != 0 && n != dims => {
                    let msg = format!("arrays of {dims} and {n} dimensions: kernels combine arrays of the same shape, or arrays and numbers");
                    self.error(span, msg);
                    return Step::Solved;
                }
                Ty::Array(_, n) => dims = n,
                t @ Ty::Var(_) if !self.table.is_int_literal_var(&t) => return Step::Pending,
                _ => {}
            }
        }
        self.unify(result, &array_of(scalar, dims), span, "the result");
        Step::Solved
    }
}

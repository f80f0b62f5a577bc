//! Deferred constraints: the facts that can only be checked once an operand's type is known.

use crate::arguments::ArgSource;
use crate::arrays::Numeric;
use crate::infer::{Checker, MAX_VERSIONS};
use crate::program::{DefKind, Resolution};
use crate::ty::{Callable, InstanceId, Ty};
use crate::{Builtin, ListMethod};
use strobe_syntax::ast::{BinOp, CmpOp, ExprId};
use strobe_syntax::Span;

/// The expression a constraint belongs to: facts are recorded there once it is solved.
pub(crate) type Site = (InstanceId, ExprId);

pub(crate) enum Deferred {
    BinOp {
        op: BinOp,
        left: Ty,
        right: Ty,
        result: Ty,
        span: Span,
    },
    Compare {
        op: CmpOp,
        left: Ty,
        right: Ty,
        span: Span,
    },
    /// `obj.attr` (as a value, or as the callee of a call when `callee`).
    Attribute {
        obj: Ty,
        attr: String,
        result: Ty,
        callee: bool,
        span: Span,
        site: Site,
    },
    AttributeStore {
        obj: Ty,
        attr: String,
        value: Ty,
        span: Span,
        site: Site,
    },
    Call {
        callee: Ty,
        args: Vec<(Ty, Span)>,
        keywords: Vec<(String, Ty, Span)>,
        kw_exprs: Vec<strobe_syntax::ast::Keyword>,
        result: Ty,
        span: Span,
        site: Site,
    },
    Subscript {
        value: Ty,
        index: Ty,
        constant_index: Option<i64>,
        result: Ty,
        span: Span,
    },
    Iterate {
        iterable: Ty,
        item: Ty,
        span: Span,
    },
    Len {
        value: Ty,
        span: Span,
    },
    Numeric {
        ty: Ty,
        integer: bool,
        span: Span,
    },
    /// `raise value`: an exception object or class.
    Raise {
        ty: Ty,
        span: Span,
    },
    /// `container[i] = value`: a list's item or a bytearray's byte.
    IndexStore {
        container: Ty,
        index: Ty,
        index_span: Span,
        value: Ty,
        container_span: Span,
        value_span: Span,
        span: Span,
    },
    /// `value[a:b:c]`: a list or a str of the same type.
    Slice {
        value: Ty,
        result: Ty,
        /// A step is given.
        stepped: bool,
        span: Span,
    },
    /// `array(value)`.
    ArrayFrom {
        value: Ty,
        result: Ty,
        span: Span,
    },
    /// A unary operator's operand: a number, or an array of numbers.
    Elementwise {
        ty: Ty,
        integer: bool,
        span: Span,
    },
    /// A math function's result for its arguments: `scalar`, or an array of `scalar`s.
    MathResult {
        args: Vec<Ty>,
        scalar: Ty,
        result: Ty,
        span: Span,
    },
    /// `abs(value)`: of the value's type, but int32 for a bool (as CPython's `abs(True)` is 1).
    Abs {
        value: Ty,
        result: Ty,
        span: Span,
    },
    /// `a, b = value`: a tuple of the parts' types, or a list of their one type.
    Unpack {
        value: Ty,
        parts: Vec<Ty>,
        span: Span,
    },
}

pub(crate) enum Step {
    Solved,
    Pending,
}

impl Deferred {
    pub fn describe(&self) -> (Span, &'static str) {
        match self {
            Deferred::BinOp { span, .. } => (*span, "this operation"),
            Deferred::Compare { span, .. } => (*span, "this comparison"),
            Deferred::Attribute { span, .. } | Deferred::AttributeStore { span, .. } => {
                (*span, "this attribute's object")
            }
            Deferred::Call { span, .. } => (*span, "this call's arguments"),
            Deferred::Subscript { span, .. } => (*span, "this subscript"),
            Deferred::Iterate { span, .. } => (*span, "this loop's iterable"),
            Deferred::Len { span, .. } => (*span, "this `len()` argument"),
            Deferred::Numeric { span, .. } => (*span, "this number"),
            Deferred::Raise { span, .. } => (*span, "the raised value"),
            Deferred::Unpack { span, .. } => (*span, "the unpacked value"),
            Deferred::ArrayFrom { span, .. } => (*span, "the argument of `array()`"),
            Deferred::Elementwise { span, .. } => (*span, "this operand"),
            Deferred::MathResult { span, .. } => (*span, "this function's argument"),
            Deferred::Abs { span, .. } => (*span, "the argument of `abs()`"),
            Deferred::Slice { span, .. } => (*span, "the sliced value"),
            Deferred::IndexStore { span, .. } => (*span, "this indexed assignment"),
        }
    }
}

impl Checker<'_> {
    /// Returns the constraint back when it cannot be decided yet.
    pub(crate) fn try_solve(&mut self, c: Deferred) -> Option<Deferred> {
        let step = match &c {
            Deferred::BinOp {
                op,
                left,
                right,
                result,
                span,
            } => self.solve_binop(*op, left, right, result, *span),
            Deferred::Compare {
                op,
                left,
                right,
                span,
            } => self.solve_compare(*op, left, right, *span),
            Deferred::Attribute {
                obj,
                attr,
                result,
                callee,
                span,
                site,
            } => self.solve_attribute(obj, attr, result, *callee, *span, *site),
            Deferred::AttributeStore {
                obj,
                attr,
                value,
                span,
                site,
            } => self.solve_attribute_store(obj, attr, value, *span, *site),
            Deferred::Call {
                callee,
                args,
                keywords,
                kw_exprs,
                result,
                span,
                site,
            } => self.solve_call(callee, args, keywords, kw_exprs, result, *span, *site),
            Deferred::Subscript {
                value,
                index,
                constant_index,
                result,
                span,
            } => self.solve_subscript(value, index, *constant_index, result, *span),
            Deferred::Iterate {
                iterable,
                item,
                span,
            } => self.solve_iterate(iterable, item, *span),
            Deferred::Len { value, span } => match self.table.shallow(value) {
                Ty::Var(_) => Step::Pending,
                Ty::List(_)
                | Ty::Array(..)
                | Ty::Str
                | Ty::Bytes
                | Ty::ByteArray
                | Ty::Tuple(_)
                | Ty::Range(_) => Step::Solved,
                other => {
                    let msg = format!("`len()` of {} is not supported", self.show(&other));
                    self.error(*span, msg);
                    Step::Solved
                }
            },
            Deferred::Numeric { ty, integer, span } => match self.table.shallow(ty) {
                Ty::Var(_) => Step::Pending,
                Ty::Int32 | Ty::Int64 => Step::Solved,
                Ty::Float | Ty::Bool if !integer => Step::Solved,
                other => {
                    let want = if *integer { "an integer" } else { "a number" };
                    let msg = format!("expected {want}, found {}", self.show(&other));
                    self.error(*span, msg);
                    Step::Solved
                }
            },
            Deferred::Unpack { value, parts, span } => self.solve_unpack(value, parts, *span),
            Deferred::Abs {
                value,
                result,
                span,
            } => match self.table.shallow(value) {
                // `abs(2)` is an integer literal too: whatever width its use gives it.
                Ty::Var(_) if self.table.is_int_literal_var(value) => {
                    self.unify(result, value, *span, "abs()'s result");
                    Step::Solved
                }
                Ty::Var(_) => Step::Pending,
                Ty::Bool => {
                    self.unify(result, &Ty::Int32, *span, "abs() of a bool");
                    Step::Solved
                }
                Ty::Int32 | Ty::Int64 | Ty::Float => {
                    self.unify(result, value, *span, "abs()'s result");
                    Step::Solved
                }
                other => {
                    let msg = format!("expected a number, found {}", self.show(&other));
                    self.error(*span, msg);
                    Step::Solved
                }
            },
            Deferred::ArrayFrom {
                value,
                result,
                span,
            } => self.solve_array_from(value, result, *span),
            Deferred::Elementwise { ty, integer, span } => {
                self.solve_elementwise(ty, *integer, *span)
            }
            Deferred::MathResult {
                args,
                scalar,
                result,
                span,
            } => self.solve_math_result(args, scalar.clone(), result, *span),
            Deferred::Slice {
                value,
                result,
                stepped,
                span,
            } => self.solve_slice(value, result, *stepped, *span),
            Deferred::IndexStore {
                container,
                index,
                index_span,
                value,
                container_span,
                value_span,
                span,
            } => self.solve_index_store(
                container,
                (index, *index_span),
                value,
                *container_span,
                *value_span,
                *span,
            ),
            Deferred::Raise { ty, span } => match self.table.shallow(ty) {
                Ty::Var(_) => Step::Pending,
                Ty::Object(c) | Ty::Callable(Callable::Class(c))
                    if self.classes[c.0 as usize].is_exception() =>
                {
                    Step::Solved
                }
                other => {
                    let msg = format!("can only raise exceptions, not {}", self.show(&other));
                    self.error(*span, msg);
                    Step::Solved
                }
            },
        };
        match step {
            Step::Solved => None,
            Step::Pending => Some(c),
        }
    }

    /// Brings an integer literal to the other operand's integer type; true when both are now known.
    pub(crate) fn settle_numeric_pair(&mut self, l: &Ty, r: &Ty, span: Span) -> Option<(Ty, Ty)> {
        let (ls, rs) = (self.table.shallow(l), self.table.shallow(r));
        let (l_lit, r_lit) = (
            self.table.is_int_literal_var(&ls),
            self.table.is_int_literal_var(&rs),
        );
        if l_lit && rs.is_int() || r_lit && ls.is_int() || l_lit && r_lit {
            self.table.unify(&ls, &rs, span).ok();
            let t = self.table.shallow(&ls);
            return if matches!(t, Ty::Var(_)) {
                None
            } else {
                Some((t.clone(), t))
            };
        }
        if matches!(ls, Ty::Var(_)) || matches!(rs, Ty::Var(_)) {
            return None;
        }
        Some((ls, rs))
    }

    /// The result of `op` on two numbers (after an int literal takes the other side's type).
    pub(crate) fn numeric(&mut self, op: BinOp, left: &Ty, right: &Ty, span: Span) -> Numeric {
        let (ls, rs) = (self.table.shallow(left), self.table.shallow(right));
        // int literal op float is float whatever the literal becomes.
        let float_with_literal = (self.table.is_int_literal_var(&ls) && rs == Ty::Float)
            || (self.table.is_int_literal_var(&rs) && ls == Ty::Float);
        if float_with_literal && !is_bitwise(op) {
            return Numeric::Result(Ty::Float);
        }
        if self.table.is_int_literal_var(&ls) && self.table.is_int_literal_var(&rs) {
            self.table.unify(&ls, &rs, span).ok();
            return Numeric::Result(if op == BinOp::Div { Ty::Float } else { ls });
        }
        let Some((l, r)) = self.settle_numeric_pair(left, right, span) else {
            return Numeric::Pending;
        };
        match (&l, &r) {
            (Ty::Int32, Ty::Int32) | (Ty::Int64, Ty::Int64) => {
                Numeric::Result(if op == BinOp::Div {
                    Ty::Float
                } else {
                    l.clone()
                })
            }
            (Ty::Int32 | Ty::Int64 | Ty::Float, Ty::Int32 | Ty::Int64 | Ty::Float)
                if (l == Ty::Float || r == Ty::Float) && !is_bitwise(op) =>
            {
                Numeric::Result(Ty::Float)
            }
            (Ty::Int32, Ty::Int64) | (Ty::Int64, Ty::Int32) => {
                let msg = format!(
                    "cannot mix int32 and int64 in `{}` (left is {}, right is {}); convert one side with int64() or int32()",
                    op.symbol(),
                    self.show(&l),
                    self.show(&r)
                );
                self.error(span, msg);
                Numeric::Refused
            }
            _ => Numeric::NotNumbers(l, r),
        }
    }

    fn solve_binop(&mut self, op: BinOp, left: &Ty, right: &Ty, result: &Ty, span: Span) -> Step {
        let (ls, rs) = (self.table.shallow(left), self.table.shallow(right));
        if matches!(ls, Ty::Array(..)) || matches!(rs, Ty::Array(..)) {
            return self.solve_array_binop(op, (ls, rs), result, span);
        }
        let (l, r) = match self.numeric(op, left, right, span) {
            Numeric::Pending => return Step::Pending,
            Numeric::Refused => return Step::Solved,
            Numeric::Result(t) if op != BinOp::MatMult => {
                self.unify(result, &t, span, "an arithmetic result");
                return Step::Solved;
            }
            Numeric::Result(_) => (self.table.resolve(left), self.table.resolve(right)),
            Numeric::NotNumbers(l, r) => (l, r),
        };
        let out = match (&l, &r) {
            (Ty::Str, Ty::Str) if op == BinOp::Add => Some(Ty::Str),
            // As CPython: the left operand's type.
            (Ty::Bytes | Ty::ByteArray, Ty::Bytes | Ty::ByteArray) if op == BinOp::Add => {
                Some(l.clone())
            }
            (Ty::List(a), Ty::List(b)) if op == BinOp::Add => {
                self.unify(a, b, span, "list concatenation");
                Some(l.clone())
            }
            (Ty::List(_), Ty::Int32) if op == BinOp::Mult => Some(l.clone()),
            (Ty::Int32, Ty::List(_)) if op == BinOp::Mult => Some(r.clone()),
            (Ty::Tuple(a), Ty::Tuple(b)) if op == BinOp::Add => {
                Some(Ty::Tuple(a.iter().chain(b.iter()).cloned().collect()))
            }
            _ => None,
        };
        match out {
            Some(t) => {
                self.unify(result, &t, span, "an arithmetic result");
            }
            None => self.unsupported_operands(op, &l, &r, span),
        }
        Step::Solved
    }

    pub(crate) fn unsupported_operands(&mut self, op: BinOp, l: &Ty, r: &Ty, span: Span) {
        let msg = format!(
            "unsupported operand types for `{}`: {} and {}",
            op.symbol(),
            self.show(l),
            self.show(r)
        );
        self.error(span, msg);
    }

    fn solve_subscript(
        &mut self,
        value: &Ty,
        index: &Ty,
        constant: Option<i64>,
        result: &Ty,
        span: Span,
    ) -> Step {
        match self.table.shallow(value) {
            Ty::Var(_) => Step::Pending,
            Ty::List(elem) => {
                self.deferred.push(crate::solve::Deferred::Numeric {
                    ty: index.clone(),
                    integer: true,
                    span,
                });
                self.unify(result, &elem, span, "a list element");
                Step::Solved
            }
            Ty::Bytes | Ty::ByteArray => {
                self.deferred.push(crate::solve::Deferred::Numeric {
                    ty: index.clone(),
                    integer: true,
                    span,
                });
                self.unify(result, &Ty::Int32, span, "a byte");
                Step::Solved
            }
            Ty::Array(elem, dims) => match self.array_index(&elem, dims, index, span) {
                None => Step::Pending,
                Some(item) => {
                    if let Some(item) = item {
                        self.unify(result, &item, span, "an array item");
                    }
                    Step::Solved
                }
            },
            Ty::Tuple(items) => {
                let n = items.len() as i64;
                match constant {
                    Some(i) if (-n..n).contains(&i) => {
                        let t = items[i.rem_euclid(n) as usize].clone();
                        self.unify(result, &t, span, "a tuple element");
                    }
                    Some(_) => self.error(span, "tuple index out of range"),
                    None => self.error(
                        span,
                        "tuples can only be indexed with a constant integer in kernels",
                    ),
                }
                Step::Solved
            }
            other => {
                let msg = format!("{} cannot be indexed in kernels", self.show(&other));
                self.error(span, msg);
                Step::Solved
            }
        }
    }

    fn solve_iterate(&mut self, iterable: &Ty, item: &Ty, span: Span) -> Step {
        match self.table.shallow(iterable) {
            Ty::Var(_) => Step::Pending,
            Ty::List(e) | Ty::Range(e) => {
                self.unify(item, &e, span, "the loop variable");
                Step::Solved
            }
            Ty::Bytes | Ty::ByteArray => {
                self.unify(item, &Ty::Int32, span, "the loop variable");
                Step::Solved
            }
            Ty::Array(elem, dims) => {
                let row = crate::arrays::array_of(*elem, dims - 1);
                self.unify(item, &row, span, "the loop variable");
                Step::Solved
            }
            Ty::Enumerate(e) => {
                self.unify(
                    item,
                    &Ty::Tuple(vec![Ty::Int32, *e]),
                    span,
                    "the loop variables",
                );
                Step::Solved
            }
            other => {
                let msg = format!(
                    "cannot iterate over {} in kernels (lists and ranges are iterable)",
                    self.show(&other)
                );
                self.error(span, msg);
                Step::Solved
            }
        }
    }

    /// Which instance of the enclosing function a nested def belongs to, seen from `from`.
    fn enclosing_instance(&self, from: InstanceId, parent_def: crate::DefId) -> Option<InstanceId> {
        let mut cur = Some(from);
        while let Some(i) = cur {
            let inst = &self.instances[i.0 as usize];
            if inst.def == parent_def {
                return Some(i);
            }
            cur = inst.parent;
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn solve_call(
        &mut self,
        callee: &Ty,
        args: &[(Ty, Span)],
        keywords: &[(String, Ty, Span)],
        kw_exprs: &[strobe_syntax::ast::Keyword],
        result: &Ty,
        span: Span,
        site: Site,
    ) -> Step {
        let callable = match self.table.shallow(callee) {
            Ty::Var(_) => return Step::Pending,
            Ty::Callable(c) => c,
            other => {
                let msg = format!("{} is not callable", self.show(&other));
                self.error(span, msg);
                return Step::Solved;
            }
        };
        // A nested function reached through a value knows the instance it was defined in.
        let defined_in = match callable {
            Callable::Nested(_, parent) => Some(parent),
            _ => None,
        };
        let (def, receiver, ret_override) = match callable {
            Callable::Function(def) | Callable::Nested(def, _) => (def, None, None),
            Callable::Method(c, def) => {
                let obj = match self.instances[site.0 .0 as usize].exprs.get(&site.1) {
                    Some(_) => Ty::Object(c),
                    None => Ty::Object(c),
                };
                (def, Some(obj), None)
            }
            Callable::Class(c) => {
                if self.classes[c.0 as usize].is_exception() {
                    // As ARTIQ's: a message, and up to three numbers its `{0}`..`{2}` name.
                    if !keywords.is_empty() || args.len() > 4 {
                        self.error(
                            span,
                            "exceptions take a message string and at most three numbers it formats (`{0}`..`{2}`) in kernels",
                        );
                    } else if let Some(((t, s), params)) = args.split_first() {
                        self.unify(&Ty::Str, t, *s, "the exception message");
                        for (ty, span) in params {
                            self.deferred.push(Deferred::Numeric {
                                ty: ty.clone(),
                                integer: false,
                                span: *span,
                            });
                        }
                    }
                    self.unify(result, &Ty::Object(c), span, "the exception");
                    return Step::Solved;
                }
                // The new object's type is known now, whatever `__init__` still waits for.
                self.unify(result, &Ty::Object(c), span, "the new object");
                match self.method_of(c, "__init__") {
                    Some(init) => (init, Some(Ty::Object(c)), Some(Ty::Object(c))),
                    None => {
                        if !args.is_empty() || !keywords.is_empty() {
                            let name = self.class_name(c);
                            self.error(
                                span,
                                format!("`{name}()` takes no arguments (it has no `__init__`)"),
                            );
                        }
                        self.unify(result, &Ty::Object(c), span, "the new object");
                        return Step::Solved;
                    }
                }
            }
            Callable::ListMethod(elem, m) => {
                match (m, args) {
                    (ListMethod::Append, [(t, s)]) if keywords.is_empty() => {
                        self.unify(&elem, t, *s, "the appended element");
                        self.unify(result, &Ty::None, span, "the result of append");
                    }
                    (ListMethod::Pop, []) if keywords.is_empty() => {
                        self.unify(result, &elem, span, "the popped element");
                    }
                    (ListMethod::Append, _) => {
                        self.error(span, "`append` takes exactly one argument")
                    }
                    (ListMethod::Pop, _) => self.error(span, "`pop` takes no arguments in kernels"),
                }
                return Step::Solved;
            }
            Callable::Builtin(b) => {
                let _: Builtin = b;
                self.error(span, "builtins must be called by name");
                return Step::Solved;
            }
            Callable::Module(m) => {
                self.error(span, format!("module `{}` is not callable", m.name()));
                return Step::Solved;
            }
        };
        let Some(sources) =
            self.bind_arguments(def, receiver.is_some(), args.len(), kw_exprs, span)
        else {
            return Step::Solved;
        };
        let mut arg_tys = Vec::new();
        for (param, s) in sources.iter().enumerate() {
            arg_tys.push(match s {
                ArgSource::Receiver => receiver.clone().unwrap_or(Ty::None),
                ArgSource::Positional(i) => args[*i].0.clone(),
                ArgSource::Keyword(k) => keywords[*k].1.clone(),
                ArgSource::Default(v) => self.default_type(def, param, v),
            });
        }
        let parent = match self.defs[def.0 as usize].kind {
            DefKind::Nested { parent } => {
                match self.enclosing_instance(site.0, parent).or(defined_in) {
                    Some(p) => Some(p),
                    None => {
                        self.error(span, "a nested function can only be called from the function that defines it");
                        return Step::Solved;
                    }
                }
            }
            _ => None,
        };
        let key_tys = match self.boundary_signature(def) {
            Some(sig) => {
                // A link boundary: arguments must match its annotations.
                for (i, (want, got)) in sig.iter().zip(arg_tys.iter()).enumerate() {
                    let at = match &sources[i] {
                        ArgSource::Positional(p) => args[*p].1,
                        ArgSource::Keyword(k) => keywords[*k].2,
                        _ => span,
                    };
                    let pname = self.defs[def.0 as usize].def.params[i].name.name.clone();
                    self.unify(want, got, at, &format!("argument `{pname}`"));
                }
                // What a variadic host function's `*args` takes is typed by the call.
                let extra = arg_tys[sig.len().min(arg_tys.len())..].to_vec();
                if !extra.iter().all(|t| self.table.resolve(t).is_ground()) {
                    return Step::Pending;
                }
                sig.into_iter().chain(extra).collect()
            }
            None => {
                // A template: annotated parameters still fix their arguments' types (so `f(100)` for
                // `def f(x: int64)` passes an int64 literal), the rest wait to be known.
                let params = &self.defs[def.0 as usize].def.params;
                let annotated: Vec<(usize, strobe_syntax::ast::Expr)> = params
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !matches!(sources[*i], ArgSource::Receiver))
                    .filter_map(|(i, p)| p.annotation.clone().map(|a| (i, a)))
                    .collect();
                for (i, annotation) in annotated {
                    if let Some(want) = self.annotation(&annotation) {
                        let at = match &sources[i] {
                            ArgSource::Positional(p) => args[*p].1,
                            ArgSource::Keyword(k) => keywords[*k].2,
                            _ => span,
                        };
                        let pname = self.defs[def.0 as usize].def.params[i].name.name.clone();
                        self.unify(&want, &arg_tys[i], at, &format!("argument `{pname}`"));
                    }
                }
                if !arg_tys.iter().all(|t| self.table.resolve(t).is_ground()) {
                    return Step::Pending;
                }
                arg_tys
            }
        };
        if self.too_many_versions(def, parent, &key_tys) {
            let name = self.defs[def.0 as usize].def.name.name.clone();
            self.error(
                span,
                format!("this call needs yet another version of `{name}` ({MAX_VERSIONS} exist): its argument types change with every call (polymorphic recursion, e.g. passing a new nested function or a deeper list each time), which kernels cannot compile"),
            );
            return Step::Solved;
        }
        let inst = self.instantiate(def, parent, key_tys);
        let ret = ret_override.unwrap_or_else(|| self.instances[inst.0 as usize].ret.clone());
        self.unify(result, &ret, span, "the call's result");
        self.instances[site.0 .0 as usize]
            .call_args
            .insert(site.1, sources);
        self.set_resolution(site.0, site.1, Resolution::Call(inst));
        Step::Solved
    }
}

fn is_bitwise(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::LShift | BinOp::RShift | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor
    )
}

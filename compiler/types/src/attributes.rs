//! Attributes: `obj.attr` and `obj.attr = v` on objects, lists' methods, classes' constants and
//! functions, ranges' bounds and arrays' shape, once the object's type is known.

use crate::infer::Checker;
use crate::program::{DefKind, Resolution};
use crate::solve::{Site, Step};
use crate::ty::{Callable, Ty};
use crate::ListMethod;
use strobe_syntax::Span;

impl Checker<'_> {
    /// `C.attr` or `obj.attr` naming a class constant: its value; false when there is none.
    fn class_constant(
        &mut self,
        c: crate::ClassId,
        attr: &str,
        result: &Ty,
        span: Span,
        site: Site,
    ) -> bool {
        let class = &self.classes[c.0 as usize];
        let Some((_, value)) = class.constants.iter().find(|(n, _)| n == attr) else {
            return false;
        };
        let value = value.clone();
        self.unify(result, &value.ty(), span, &format!("constant `{attr}`"));
        self.set_resolution(site.0, site.1, Resolution::Constant(value));
        true
    }

    pub(crate) fn solve_attribute(
        &mut self,
        obj: &Ty,
        attr: &str,
        result: &Ty,
        callee: bool,
        span: Span,
        site: Site,
    ) -> Step {
        match self.table.shallow(obj) {
            Ty::Var(_) => Step::Pending,
            Ty::Object(c) => {
                if self.class_constant(c, attr, result, span, site) {
                    return Step::Solved;
                }
                let class = &self.classes[c.0 as usize];
                if let Some(i) = class.field_index(attr) {
                    let field_ty = class.fields[i].1.clone();
                    self.unify(result, &field_ty, span, &format!("attribute `{attr}`"));
                    self.set_resolution(site.0, site.1, Resolution::Field(c, i));
                } else if let Some(def) = self.method_of(c, attr) {
                    if !callee {
                        self.error(span, format!("method `{attr}` must be called directly; bound methods cannot be stored in kernels"));
                    }
                    self.unify(
                        result,
                        &Ty::Callable(Callable::Method(c, def)),
                        span,
                        "a method",
                    );
                    self.set_resolution(site.0, site.1, Resolution::Function);
                } else {
                    let name = self.class_name(c);
                    let fields: Vec<String> = self.classes[c.0 as usize]
                        .fields
                        .iter()
                        .map(|f| f.0.clone())
                        .collect();
                    self.error(span, format!("`{name}` has no attribute `{attr}` (its attributes, fixed by `__init__`, are: {})", if fields.is_empty() { "none".to_string() } else { fields.join(", ") }));
                }
                Step::Solved
            }
            Ty::List(elem) => {
                match ListMethod::lookup(attr) {
                    Some(m) if callee => {
                        self.unify(
                            result,
                            &Ty::Callable(Callable::ListMethod(elem, m)),
                            span,
                            "a method",
                        );
                        self.set_resolution(site.0, site.1, Resolution::ListMethod(m));
                    }
                    Some(_) => self.error(span, format!("method `{attr}` must be called directly")),
                    None => self.error(
                        span,
                        format!(
                            "lists have no attribute `{attr}` in kernels (supported: append, pop)"
                        ),
                    ),
                }
                Step::Solved
            }
            Ty::Callable(Callable::Class(c)) => {
                if self.class_constant(c, attr, result, span, site) {
                    return Step::Solved;
                }
                if let Some(def) = self.method_of(c, attr).filter(|_| callee) {
                    // `C.f(args)` calls the function itself: no instance is passed.
                    let f = Ty::Callable(Callable::Function(def));
                    self.unify(result, &f, span, "a function");
                    self.set_resolution(site.0, site.1, Resolution::Function);
                } else {
                    let name = self.class_name(c);
                    self.error(
                        span,
                        format!(
                            "class `{name}` has no class attribute or function `{attr}` in kernels"
                        ),
                    );
                }
                Step::Solved
            }
            Ty::Array(_, dims) if attr == "shape" && !callee => {
                let shape = Ty::Tuple(vec![Ty::Int32; dims as usize]);
                self.unify(result, &shape, span, "an array's shape");
                self.set_resolution(site.0, site.1, Resolution::ArrayShape);
                Step::Solved
            }
            Ty::Array(..) => {
                self.error(
                    span,
                    format!("arrays have no attribute `{attr}` in kernels (they have `shape`)"),
                );
                Step::Solved
            }
            Ty::Range(elem) => {
                match ["start", "stop", "step"].iter().position(|a| *a == attr) {
                    Some(i) if !callee => {
                        self.unify(result, &elem, span, &format!("attribute `{attr}`"));
                        self.set_resolution(site.0, site.1, Resolution::RangeField(i as u32));
                    }
                    _ => self.error(
                        span,
                        format!("range has no attribute `{attr}` in kernels (it has start, stop and step)"),
                    ),
                }
                Step::Solved
            }
            other => {
                let msg = format!("{} has no attribute `{attr}`", self.show(&other));
                self.error(span, msg);
                Step::Solved
            }
        }
    }

    pub(crate) fn solve_attribute_store(
        &mut self,
        obj: &Ty,
        attr: &str,
        value: &Ty,
        span: Span,
        site: Site,
    ) -> Step {
        match self.table.shallow(obj) {
            Ty::Var(_) => Step::Pending,
            Ty::Object(c) if !self.classes[c.0 as usize].is_exception() => {
                let in_init = {
                    let def = self.defs[self.instances[site.0 .0 as usize].def.0 as usize];
                    def.kind == DefKind::Method(c) && def.def.name.name == "__init__"
                };
                if !in_init
                    && self.classes[c.0 as usize]
                        .invariants
                        .iter()
                        .any(|n| n == attr)
                {
                    let name = self.class_name(c);
                    self.error(span, format!("attribute `{attr}` of `{name}` is in its `kernel_invariants`: kernels may read it but not change it"));
                    return Step::Solved;
                }
                if self.classes[c.0 as usize]
                    .constants
                    .iter()
                    .any(|(n, _)| n == attr)
                {
                    let name = self.class_name(c);
                    self.error(
                        span,
                        format!(
                            "`{attr}` is a constant of class `{name}`: kernels cannot change it"
                        ),
                    );
                    return Step::Solved;
                }
                match self.classes[c.0 as usize].field_index(attr) {
                    Some(i) => {
                        let field_ty = self.classes[c.0 as usize].fields[i].1.clone();
                        self.unify(&field_ty, value, span, &format!("attribute `{attr}`"));
                        self.set_resolution(site.0, site.1, Resolution::Field(c, i));
                    }
                    None => {
                        let name = self.class_name(c);
                        self.error(span, format!("cannot add attribute `{attr}` to `{name}`: a kernel object's attributes are fixed by the assignments in `__init__`"));
                    }
                }
                Step::Solved
            }
            other => {
                let msg = format!("cannot set attribute `{attr}` on {}", self.show(&other));
                self.error(span, msg);
                Step::Solved
            }
        }
    }
}

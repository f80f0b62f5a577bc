//! The checker: program set-up (classes, functions, constants), instances, name lookup, and the
//! driver loop that solves deferred constraints to a fixpoint.

use crate::annotations::annotation_type;
use crate::consts::{evaluate, ConstValue};
use crate::program::{
    ClassInfo, DefInfo, DefKind, ExprFacts, Instance, LocalId, LocalInfo, Resolution, TypedProgram,
};
use crate::scope::bound_names;
use crate::solve::Deferred;
use crate::ty::{ClassId, DefId, InstanceId, Ty, TypeTable, UnifyError};
use std::collections::HashMap;
use strobe_abi::{ExceptionId, FIRST_USER_EXCEPTION_ID};
use strobe_syntax::ast::{self, ExprId, StmtKind};
use strobe_syntax::{Diagnostic, Span};

pub(crate) struct Checker<'m> {
    pub module: &'m ast::Module,
    pub table: TypeTable,
    pub defs: Vec<DefInfo<'m>>,
    pub qualified_names: Vec<String>,
    pub classes: Vec<ClassInfo>,
    pub class_by_name: HashMap<String, ClassId>,
    pub function_by_name: HashMap<String, DefId>,
    /// Nested `def`s by the span start of their statement.
    pub nested_by_span: HashMap<u32, DefId>,
    pub constants: HashMap<String, ConstValue>,
    /// Names bound to modules of functions (`import math [as m]`, `import numpy as np`,
    /// `from scipy import special`, `import scipy.special` binding the package).
    pub function_modules: HashMap<String, crate::imports::FunctionModule>,
    /// Names bound by `from math import f`: the builtin they are.
    pub math_imports: HashMap<String, crate::Builtin>,
    pub instances: Vec<Instance>,
    instance_keys: HashMap<(DefId, Option<InstanceId>, Vec<Ty>), InstanceId>,
    pub deferred: Vec<Deferred>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Per-body state while checking one instance.
/// The most versions (argument types) of one function a program may need: more means types that
/// grow with every call, which monomorphization cannot finish.
pub(crate) const MAX_VERSIONS: usize = 256;

pub(crate) struct Ctx {
    pub inst: InstanceId,
    /// Comprehension variables, innermost last.
    pub shadows: Vec<(String, LocalId)>,
}

impl Ctx {
    /// The comprehension variable `name` is, innermost first.
    pub fn shadow(&self, name: &str) -> Option<LocalId> {
        self.shadows
            .iter()
            .rev()
            .find(|(s, _)| s == name)
            .map(|(_, l)| *l)
    }
}

/// Type-checks `module` from its `main()` function.
/// Infers the types of `module`'s kernels (from `main()`), then checks the language's rules on them
/// (`crate::rules`) for the target `options` describes.
pub fn check_program(
    module: &ast::Module,
    options: crate::CheckOptions,
) -> Result<TypedProgram<'_>, Vec<Diagnostic>> {
    let program = infer_program(module)?;
    let violations = crate::rules::check_rules(&program, options);
    if violations.is_empty() {
        Ok(program)
    } else {
        Err(violations)
    }
}

fn infer_program(module: &ast::Module) -> Result<TypedProgram<'_>, Vec<Diagnostic>> {
    let mut checker = Checker::new(module);
    checker.register();
    let main = match checker.function_by_name.get(module.entry.as_str()) {
        Some(&d) => d,
        None => {
            return Err(vec![Diagnostic::error(
                Span::default(),
                "a kernel program must define `main()`",
            )]);
        }
    };
    if !checker.diagnostics.is_empty() {
        return Err(checker.diagnostics);
    }
    if !checker.defs[main.0 as usize].def.params.is_empty() {
        let span = checker.defs[main.0 as usize].def.name.span;
        return Err(vec![Diagnostic::error(
            span,
            "`main()` must take no arguments",
        )]);
    }
    let entry = checker.instantiate(main, None, vec![]);
    checker.solve_all();
    checker.finish(entry)
}

impl<'m> Checker<'m> {
    fn new(module: &'m ast::Module) -> Self {
        Checker {
            module,
            table: TypeTable::default(),
            defs: Vec::new(),
            qualified_names: Vec::new(),
            classes: Vec::new(),
            class_by_name: HashMap::new(),
            function_by_name: HashMap::new(),
            nested_by_span: HashMap::new(),
            constants: HashMap::new(),
            function_modules: HashMap::new(),
            math_imports: HashMap::new(),
            instances: Vec::new(),
            instance_keys: HashMap::new(),
            deferred: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(span, message));
    }

    pub fn class_name(&self, c: ClassId) -> String {
        self.classes[c.0 as usize].name.clone()
    }

    pub fn show(&self, ty: &Ty) -> String {
        let resolved = self.table.resolve(ty);
        let names = |c: ClassId| self.class_name(c);
        resolved.display(&names).to_string()
    }

    /// Unifies, reporting a mismatch at `at` with a note where the expected type came from.
    pub fn unify(&mut self, expected: &Ty, found: &Ty, at: Span, what: &str) -> bool {
        match self.table.unify(expected, found, at) {
            Ok(()) => true,
            Err(UnifyError::Mismatch {
                expected: e,
                found: f,
                expected_origin,
            }) => {
                // An unconstrained integer literal is an int32 unless told otherwise.
                let (e, f) = (self.literal_as_int32(&e), self.literal_as_int32(&f));
                let names = |c: ClassId| self.class_name(c);
                let (es, fs) = (e.display(&names).to_string(), f.display(&names).to_string());
                let mixing = matches!((&e, &f), (Ty::Int32, Ty::Int64) | (Ty::Int64, Ty::Int32));
                let mut message = format!("type mismatch in {what}: expected {es}, found {fs}");
                if mixing {
                    message.push_str(
                        " (int32 and int64 do not mix implicitly; convert with int64() or int32())",
                    );
                }
                let mut d = Diagnostic::error(at, message).with_label(format!("this is {fs}"));
                if let Some(origin) = expected_origin.filter(|o| *o != at) {
                    d = d.with_note(origin, format!("{es} comes from here"));
                }
                self.diagnostics.push(d);
                false
            }
        }
    }

    fn literal_as_int32(&self, t: &Ty) -> Ty {
        if self.table.is_int_literal_var(t) {
            Ty::Int32
        } else {
            t.clone()
        }
    }

    // ----- set-up -------------------------------------------------------------------------------

    fn add_def(&mut self, def: &'m ast::FunctionDef, kind: DefKind, qualified: String) -> DefId {
        self.qualified_names.push(qualified);
        self.defs.push(DefInfo {
            def,
            kind,
            qualified_index: self.qualified_names.len() - 1,
        });
        let id = DefId(self.defs.len() as u32 - 1);
        self.register_nested(&def.body, id);
        id
    }

    fn register_nested(&mut self, body: &'m [ast::Stmt], parent: DefId) {
        for s in body {
            match &s.kind {
                StmtKind::FunctionDef(f) => {
                    let q = format!(
                        "{}.<locals>.{}",
                        self.qualified_names[self.defs[parent.0 as usize].qualified_index],
                        f.name.name
                    );
                    let id = self.add_def(f, DefKind::Nested { parent }, q);
                    self.nested_by_span.insert(s.span.start, id);
                }
                _ => s.for_each_block(|b| self.register_nested(b, parent)),
            }
        }
    }

    fn register(&mut self) {
        for (id, name, base) in ExceptionId::ALL {
            let base = base.map(|b| self.class_by_name[b.name()]);
            self.classes.push(ClassInfo {
                name: name.to_string(),
                span: Span::default(),
                base,
                exception_id: Some(id as u32),
                fields: vec![],
                methods: HashMap::new(),
                invariants: vec![],
                constants: vec![],
            });
            self.class_by_name
                .insert(name.to_string(), ClassId(self.classes.len() as u32 - 1));
        }
        let module = self.module;
        for c in &module.classes {
            if self.class_by_name.contains_key(&c.name.name) {
                self.error(
                    c.name.span,
                    format!("class `{}` is already defined", c.name.name),
                );
                continue;
            }
            let id = ClassId(self.classes.len() as u32);
            let mut base = None;
            for b in &c.bases {
                match self.class_by_name.get(&b.name) {
                    Some(&bid) if self.classes[bid.0 as usize].is_exception() => base = Some(bid),
                    Some(_) => self.error(b.span, "inheriting from kernel classes is not supported; only exception classes can be subclassed"),
                    None if b.name == "object" => {}
                    None => self.error(b.span, format!("undefined base class `{}`", b.name)),
                }
            }
            let user_exceptions = self
                .classes
                .iter()
                .filter(|c| c.exception_id.is_some_and(|e| e >= FIRST_USER_EXCEPTION_ID))
                .count();
            let exception_id = base.map(|_| FIRST_USER_EXCEPTION_ID + user_exceptions as u32);
            if exception_id.is_some() && !c.methods.is_empty() {
                self.error(c.methods[0].name.span, "exception classes in kernels cannot define methods; raise them with a message: `raise MyError(\"...\")`");
            }
            self.classes.push(ClassInfo {
                name: c.name.name.clone(),
                span: c.name.span,
                base,
                exception_id,
                fields: vec![],
                methods: HashMap::new(),
                invariants: c.invariants.iter().map(|i| i.name.clone()).collect(),
                constants: vec![],
            });
            self.class_by_name.insert(c.name.name.clone(), id);
            for m in &c.methods {
                // A function without parameters is only called through its class: `C.f()`.
                let kind = if m.params.is_empty() {
                    DefKind::Module
                } else {
                    DefKind::Method(id)
                };
                let def = self.add_def(m, kind, format!("{}.{}", c.name.name, m.name.name));
                self.classes[id.0 as usize]
                    .methods
                    .insert(m.name.name.clone(), def);
            }
        }
        for f in &module.functions {
            if self.function_by_name.contains_key(&f.name.name) {
                self.error(
                    f.name.span,
                    format!("function `{}` is already defined", f.name.name),
                );
                continue;
            }
            let def = self.add_def(f, DefKind::Module, f.name.name.clone());
            self.function_by_name.insert(f.name.name.clone(), def);
        }
        self.bind_imports(&module.imports);
        for c in &module.constants {
            match evaluate(&c.value, &self.constants) {
                Ok(v) => {
                    self.constants.insert(c.name.name.clone(), v);
                }
                Err(d) => self.diagnostics.push(d),
            }
        }
        for c in &module.classes {
            let Some(&id) = self.class_by_name.get(&c.name.name) else {
                continue;
            };
            for k in &c.constants {
                match evaluate(&k.value, &self.constants) {
                    Ok(v) => self.classes[id.0 as usize]
                        .constants
                        .push((k.name.name.clone(), v)),
                    Err(d) => self.diagnostics.push(d),
                }
            }
        }
        // Fields: every `self.NAME` assigned in `__init__`, in order of appearance.
        for (index, c) in module.classes.iter().enumerate() {
            let Some(&id) = self.class_by_name.get(&c.name.name) else {
                continue;
            };
            if self.classes[id.0 as usize].span != c.name.span || index > module.classes.len() {
                continue;
            }
            if let Some(init) = c.methods.iter().find(|m| m.name.name == "__init__") {
                let self_name = init
                    .params
                    .first()
                    .map(|p| p.name.name.clone())
                    .unwrap_or_default();
                let mut fields = Vec::new();
                collect_fields(&init.body, &self_name, &mut fields);
                for (name, annotation, span) in fields {
                    if self.classes[id.0 as usize].field_index(&name).is_some() {
                        continue;
                    }
                    let ty = match annotation {
                        Some(a) => match self.annotation(a) {
                            Some(t) => t,
                            None => self.table.fresh(),
                        },
                        None => self.table.fresh(),
                    };
                    self.classes[id.0 as usize].fields.push((name, ty, span));
                }
            }
        }
    }

    pub fn annotation(&mut self, e: &ast::Expr) -> Option<Ty> {
        let classes = &self.class_by_name;
        match annotation_type(e, &|n| classes.get(n).copied()) {
            Ok(t) => Some(t),
            Err(d) => {
                self.diagnostics.push(d);
                None
            }
        }
    }

    // ----- instances ----------------------------------------------------------------------------

    /// The parameter types of a fully annotated function (`self` included for methods).
    pub fn boundary_signature(&mut self, def: DefId) -> Option<Vec<Ty>> {
        let info = self.defs[def.0 as usize];
        let is_method = matches!(info.kind, DefKind::Method(_));
        if !info.def.is_fully_annotated(is_method) {
            return None;
        }
        let mut tys = Vec::new();
        for (i, p) in info.def.params.iter().enumerate() {
            match (&info.kind, i) {
                (DefKind::Method(c), 0) => tys.push(Ty::Object(*c)),
                _ => tys.push(self.annotation(p.annotation.as_ref()?)?),
            }
        }
        Some(tys)
    }

    /// The instance of `def` for these (ground) argument types, checking its body on first use.
    /// Whether a call would make a new version of `def` past [`MAX_VERSIONS`].
    pub(crate) fn too_many_versions(
        &self,
        def: DefId,
        parent: Option<InstanceId>,
        args: &[Ty],
    ) -> bool {
        let args: Vec<Ty> = args.iter().map(|a| self.table.resolve(a)).collect();
        !self.instance_keys.contains_key(&(def, parent, args))
            && self.instances.iter().filter(|i| i.def == def).count() >= MAX_VERSIONS
    }

    pub fn instantiate(
        &mut self,
        def: DefId,
        parent: Option<InstanceId>,
        args: Vec<Ty>,
    ) -> InstanceId {
        let args: Vec<Ty> = args.iter().map(|a| self.table.resolve(a)).collect();
        let key = (def, parent, args.clone());
        if let Some(&id) = self.instance_keys.get(&key) {
            return id;
        }
        let info = self.defs[def.0 as usize];
        let is_method = matches!(info.kind, DefKind::Method(_));
        // A host function runs on the host: never a link unit of its own.
        let boundary = info.def.is_fully_annotated(is_method) && info.def.rpc.is_none();
        let id = InstanceId(self.instances.len() as u32);
        self.instance_keys.insert(key, id);
        let mut locals: Vec<LocalInfo> = info
            .def
            .params
            .iter()
            .zip(args.iter())
            .map(|(p, t)| LocalInfo {
                name: p.name.name.clone(),
                ty: t.clone(),
                captured_from: None,
            })
            .collect();
        let mut names = Vec::new();
        bound_names(&info.def.body, &mut names);
        for n in names {
            if !locals.iter().any(|l| l.name == n) {
                let ty = self.table.fresh();
                locals.push(LocalInfo {
                    name: n,
                    ty,
                    captured_from: None,
                });
            }
        }
        let ret = match &info.def.returns {
            Some(r) => self.annotation(r).unwrap_or_else(|| self.table.fresh()),
            None => self.table.fresh(),
        };
        self.instances.push(Instance {
            def,
            parent,
            args,
            ret: ret.clone(),
            locals,
            exprs: HashMap::new(),
            boundary,
            handler_locals: HashMap::new(),
            call_args: HashMap::new(),
        });
        let mut ctx = Ctx {
            inst: id,
            shadows: Vec::new(),
        };
        if info.def.rpc.is_some() {
            // The result type comes from the annotation or from how the kernel uses it (None when
            // it does not).
            return id;
        }
        self.check_block(&mut ctx, &info.def.body);
        if !crate::scope::always_exits(&info.def.body) {
            let end = Span::new(info.def.span.end, info.def.span.end);
            let span = info.def.returns.as_ref().map(|r| r.span).unwrap_or(end);
            if !self.unify(
                &ret,
                &Ty::None,
                span,
                &format!(
                    "the return type of `{}` (it can end without `return`, returning None)",
                    info.def.name.name
                ),
            ) {}
        }
        id
    }

    pub fn record(&mut self, inst: InstanceId, e: ExprId, ty: Ty, resolution: Option<Resolution>) {
        self.instances[inst.0 as usize]
            .exprs
            .insert(e, ExprFacts { ty, resolution });
    }

    pub fn set_resolution(&mut self, inst: InstanceId, e: ExprId, resolution: Resolution) {
        if let Some(f) = self.instances[inst.0 as usize].exprs.get_mut(&e) {
            f.resolution = Some(resolution);
        }
    }

    /// Finds a local of `inst` (capturing it from enclosing functions for nested ones).
    pub fn lookup_local(&mut self, inst: InstanceId, name: &str) -> Option<LocalId> {
        let instance = &self.instances[inst.0 as usize];
        if let Some(i) = instance.locals.iter().position(|l| l.name == name) {
            return Some(LocalId(i as u32));
        }
        let parent = instance.parent?;
        let outer = self.lookup_local(parent, name)?;
        let ty = self.instances[parent.0 as usize].locals[outer.0 as usize]
            .ty
            .clone();
        if matches!(self.table.shallow(&ty), Ty::Callable(_)) {
            // Sibling nested functions are looked up through the parent directly.
            let instance = &mut self.instances[inst.0 as usize];
            instance.locals.push(LocalInfo {
                name: name.to_string(),
                ty,
                captured_from: Some(outer),
            });
            return Some(LocalId(instance.locals.len() as u32 - 1));
        }
        let instance = &mut self.instances[inst.0 as usize];
        instance.locals.push(LocalInfo {
            name: name.to_string(),
            ty,
            captured_from: Some(outer),
        });
        Some(LocalId(instance.locals.len() as u32 - 1))
    }

    pub fn local_ty(&self, inst: InstanceId, local: LocalId) -> Ty {
        self.instances[inst.0 as usize].locals[local.0 as usize]
            .ty
            .clone()
    }

    // ----- solving and finishing ----------------------------------------------------------------

    fn solve_all(&mut self) {
        loop {
            let mut progress = true;
            while progress {
                progress = false;
                let pending = std::mem::take(&mut self.deferred);
                let mut keep = Vec::new();
                for c in pending {
                    match self.try_solve(c) {
                        Some(c) => keep.push(c),
                        None => progress = true,
                    }
                }
                self.deferred.extend(keep);
            }
            // Stuck (or done): unconstrained integer literals become int32, which may unblock more;
            // then an operand of unknown type (a host function's unannotated result) takes the
            // type of the number it is combined with.
            if !self.default_call_literals()
                && !self.default_unpaired_literals()
                && !self.table.default_int_literals()
                && !self.default_operands()
                && !self.default_unpackings()
                && !self.default_empty_arrays()
                && !self.default_never_returning()
            {
                break;
            }
        }
        self.share_captures();
        let stuck = std::mem::take(&mut self.deferred);
        // Constraints stuck behind an earlier error would only repeat it.
        if !self.diagnostics.is_empty() {
            return;
        }
        for c in stuck {
            let (span, what) = c.describe();
            self.error(
                span,
                format!("cannot infer the type of {what}; add a type annotation"),
            );
        }
    }

    /// A nested function called from a sibling (or from deeper inside its parent) needs the caller to
    /// pass on the enclosing variables it captures: capture them in the caller too, to a fixpoint.
    fn share_captures(&mut self) {
        loop {
            let mut needed = Vec::new();
            for (i, inst) in self.instances.iter().enumerate() {
                for facts in inst.exprs.values() {
                    let Some(Resolution::Call(target)) = facts.resolution else {
                        continue;
                    };
                    let callee = &self.instances[target.0 as usize];
                    if callee.parent.is_none() || callee.parent == Some(InstanceId(i as u32)) {
                        continue;
                    }
                    for l in callee.locals.iter().filter(|l| l.captured_from.is_some()) {
                        if !inst.locals.iter().any(|m| m.name == l.name) {
                            needed.push((InstanceId(i as u32), l.name.clone()));
                        }
                    }
                }
            }
            if needed.is_empty() {
                break;
            }
            let mut changed = false;
            for (inst, name) in needed {
                let before = self.instances[inst.0 as usize].locals.len();
                self.lookup_local(inst, &name);
                changed |= self.instances[inst.0 as usize].locals.len() != before;
            }
            if !changed {
                break;
            }
        }
    }

    fn finish(mut self, entry: InstanceId) -> Result<TypedProgram<'m>, Vec<Diagnostic>> {
        // Resolve every type; anything left unresolved cannot be compiled.
        let had_errors = !self.diagnostics.is_empty();
        for c in 0..self.classes.len() {
            // A class the program never uses (a driver it does not need) has nothing to infer.
            let used = self
                .instances
                .iter()
                .any(|i| self.defs[i.def.0 as usize].kind == DefKind::Method(ClassId(c as u32)));
            for f in 0..self.classes[c].fields.len() {
                let t = self.table.resolve(&self.classes[c].fields[f].1);
                if !t.is_ground() && !had_errors && used {
                    let (name, _, span) = &self.classes[c].fields[f];
                    let msg = format!("cannot infer the type of attribute `{name}`; add an annotation in `__init__`");
                    self.diagnostics.push(Diagnostic::error(*span, msg));
                }
                self.classes[c].fields[f].1 = t;
            }
        }
        for i in 0..self.instances.len() {
            let mut inst = std::mem::replace(&mut self.instances[i], placeholder());
            inst.ret = self.table.resolve(&inst.ret);
            for l in &mut inst.locals {
                l.ty = self.table.resolve(&l.ty);
            }
            let mut unresolved: Option<Span> = None;
            for (id, facts) in inst.exprs.iter_mut() {
                facts.ty = self.table.resolve(&facts.ty);
                if !facts.ty.is_ground() {
                    let _ = id;
                    unresolved = Some(unresolved.map_or(Span::default(), |s: Span| s));
                }
            }
            let def = self.defs[inst.def.0 as usize].def;
            if !had_errors {
                if let Some(l) = inst.locals.iter().find(|l| !l.ty.is_ground()) {
                    let msg = format!(
                        "cannot infer the type of `{}` in `{}`; add a type annotation",
                        l.name, def.name.name
                    );
                    self.diagnostics.push(Diagnostic::error(def.name.span, msg));
                } else if unresolved.is_some() || !inst.ret.is_ground() {
                    let msg = format!(
                        "cannot infer all types in `{}`; add type annotations",
                        def.name.name
                    );
                    self.diagnostics.push(Diagnostic::error(def.name.span, msg));
                }
            }
            self.instances[i] = inst;
        }
        if !self.diagnostics.is_empty() {
            // Most relevant first: errors in source order.
            self.diagnostics.sort_by_key(|d| d.span.start);
            self.diagnostics.dedup();
            return Err(self.diagnostics);
        }
        Ok(TypedProgram {
            module: self.module,
            defs: self.defs,
            qualified_names: self.qualified_names,
            classes: self.classes,
            instances: self.instances,
            entry,
        })
    }
}

fn placeholder() -> Instance {
    Instance {
        def: DefId(0),
        parent: None,
        args: vec![],
        ret: Ty::None,
        locals: vec![],
        exprs: HashMap::new(),
        boundary: false,
        handler_locals: HashMap::new(),
        call_args: HashMap::new(),
    }
}

fn collect_fields<'a>(
    body: &'a [ast::Stmt],
    self_name: &str,
    out: &mut Vec<(String, Option<&'a ast::Expr>, Span)>,
) {
    use ast::ExprKind;
    let target = |t: &'a ast::Expr, annotation: Option<&'a ast::Expr>, out: &mut Vec<_>| {
        if let ExprKind::Attribute { value, attr } = &t.kind {
            if matches!(&value.kind, ExprKind::Name(n) if n == self_name) {
                out.push((attr.name.clone(), annotation, attr.span));
            }
        }
    };
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, .. } => {
                for t in targets {
                    match &t.kind {
                        ExprKind::Tuple(items) => items.iter().for_each(|i| target(i, None, out)),
                        _ => target(t, None, out),
                    }
                }
            }
            StmtKind::AnnAssign {
                target: t,
                annotation,
                ..
            } => target(t, Some(annotation), out),
            _ => s.for_each_block(|b| collect_fields(b, self_name, out)),
        }
    }
}

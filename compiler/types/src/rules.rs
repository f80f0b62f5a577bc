//! The kernel language's rules on inferred types: checked once every expression has its ground type,
//! before IR lowering (which then only translates). Each rule is a user-facing error with the
//! expression's span:
//! - the timeline, RTIO and `with parallel:` need the core device (not `strobe exec`);
//! - `print()` is a statement, `enumerate()` is only iterated;
//! - `int()`, `int32()`, `int64()`, `float()` convert numbers; `str()` and f-strings convert numbers,
//!   booleans, strings, None and exceptions;
//! - host functions (RPC) take and return values the host can receive (no objects, ranges, exceptions);
//! - a nested function that uses its enclosing function's variables is called from where they exist;
//! - quoted host values (`__strobe_quoted`) only in programs the experiment runner composes.

use crate::program::{Instance, Resolution, TypedProgram};
use crate::{Builtin, Ty};
use strobe_syntax::ast::{self, ExprKind as A, FStringPart, StmtKind};
use strobe_syntax::{Diagnostic, Span};

/// What the compiled program runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// The core device (timeline and RTIO available), or Linux user mode (`strobe exec`).
    pub device: bool,
    /// A program composed by the embedding (host functions, quoted host values).
    pub host_calls: bool,
}

/// The instance that calls nested function `target` can pass it the variables it captures: it is
/// the callee's parent, or lies inside that parent (a sibling, itself, or deeper) and captures
/// variables of the same names. A function reached as a value from elsewhere cannot.
pub fn captures_reachable(
    program: &TypedProgram,
    caller_id: crate::InstanceId,
    caller: &Instance,
    target: &Instance,
) -> bool {
    let inside_parent = || {
        let mut at = Some(caller_id);
        while let Some(i) = at {
            if Some(i) == target.parent {
                return true;
            }
            at = program.instance(i).parent;
        }
        false
    };
    target
        .locals
        .iter()
        .filter(|l| l.captured_from.is_some())
        .all(|c| {
            target.parent == Some(caller_id)
                || (inside_parent()
                    && caller
                        .locals
                        .iter()
                        .any(|m| m.name == c.name && m.captured_from.is_some()))
        })
}

/// The rule violations in every instance of `program`.
pub fn check_rules(program: &TypedProgram<'_>, options: CheckOptions) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (i, inst) in program.instances.iter().enumerate() {
        let def = program.defs[inst.def.0 as usize].def;
        let mut rules = Rules {
            program,
            id: crate::InstanceId(i as u32),
            inst,
            options,
            diagnostics: &mut diagnostics,
        };
        rules.block(&def.body);
    }
    diagnostics.sort_by_key(|d| d.span.start);
    diagnostics.dedup();
    diagnostics
}

/// Where an expression stands, for the rules that depend on it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Value,
    /// The whole of an expression statement: `print(...)` is allowed.
    Statement,
    /// The iterable of a `for` or a comprehension: `enumerate(...)` is allowed.
    Iterated,
}

struct Rules<'p, 'm, 'd> {
    program: &'p TypedProgram<'m>,
    id: crate::InstanceId,
    inst: &'p Instance,
    options: CheckOptions,
    diagnostics: &'d mut Vec<Diagnostic>,
}

const DEVICE_ONLY: &str =
    "the timeline and RTIO need the core device: run this with `strobe run`, not `strobe exec`";

impl Rules<'_, '_, '_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(span, message));
    }

    fn ty(&self, e: &ast::Expr) -> Option<&Ty> {
        self.inst.exprs.get(&e.id).map(|f| &f.ty)
    }

    fn resolution(&self, e: &ast::Expr) -> Option<&Resolution> {
        self.inst.exprs.get(&e.id)?.resolution.as_ref()
    }

    fn type_name(&self, t: &Ty) -> String {
        t.display(&|c| self.program.class_name(c)).to_string()
    }

    fn block(&mut self, body: &[ast::Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &ast::Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e, Place::Statement),
            StmtKind::Assign { targets, value } => {
                targets.iter().for_each(|t| self.expr(t, Place::Value));
                self.expr(value, Place::Value);
            }
            StmtKind::AnnAssign { target, value, .. } => {
                self.expr(target, Place::Value);
                if let Some(v) = value {
                    self.expr(v, Place::Value);
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(target, Place::Value);
                self.expr(value, Place::Value);
            }
            StmtKind::Return(v) | StmtKind::Raise(v) => {
                if let Some(v) = v {
                    self.expr(v, Place::Value);
                }
            }
            StmtKind::If { test, .. } | StmtKind::While { test, .. } => {
                self.expr(test, Place::Value)
            }
            StmtKind::For { target, iter, .. } => {
                self.expr(target, Place::Value);
                self.expr(iter, Place::Iterated);
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test, Place::Value);
                if let Some(m) = msg {
                    self.expr(m, Place::Value);
                }
            }
            StmtKind::With { items, .. } => {
                // `with sequential:` is the timeline's default order: it means nothing to check.
                let parallel = items
                    .iter()
                    .any(|i| matches!(&i.kind, A::Name(n) if n == "parallel"));
                if parallel && !self.options.device {
                    self.error(s.span, DEVICE_ONLY);
                }
            }
            StmtKind::Try { handlers, .. } => {
                for h in handlers {
                    for c in h.classes.iter().flatten() {
                        self.expr(c, Place::Value);
                    }
                }
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass | StmtKind::FunctionDef(_) => {}
        }
        s.for_each_block(|b| self.block(b));
    }

    fn expr(&mut self, e: &ast::Expr, place: Place) {
        match &e.kind {
            A::Call {
                func,
                args,
                keywords,
            } => {
                self.call(e, func, args, place);
                if !matches!(func.kind, A::Name(_)) {
                    self.expr(func, Place::Value);
                }
                args.iter().for_each(|a| self.expr(a, Place::Value));
                keywords
                    .iter()
                    .for_each(|k| self.expr(&k.value, Place::Value));
            }
            A::Attribute { value, .. } => self.expr(value, Place::Value),
            A::BinOp { left, right, .. } => {
                self.expr(left, Place::Value);
                self.expr(right, Place::Value);
            }
            A::UnaryOp { operand, .. } => self.expr(operand, Place::Value),
            A::BoolOp { values, .. } | A::List(values) | A::Tuple(values) => {
                values.iter().for_each(|v| self.expr(v, Place::Value))
            }
            A::Compare {
                left, comparators, ..
            } => {
                self.expr(left, Place::Value);
                comparators.iter().for_each(|c| self.expr(c, Place::Value));
            }
            A::IfExp { test, body, orelse } => {
                self.expr(test, Place::Value);
                self.expr(body, Place::Value);
                self.expr(orelse, Place::Value);
            }
            A::Subscript { value, index } => {
                self.expr(value, Place::Value);
                self.expr(index, Place::Value);
            }
            A::Slice {
                value,
                lower,
                upper,
                step,
            } => {
                self.expr(value, Place::Value);
                for b in [lower, upper, step].into_iter().flatten() {
                    self.expr(b, Place::Value);
                }
            }
            A::FString(parts) => {
                for part in parts {
                    if let FStringPart::Value(v) = part {
                        self.expr(v, Place::Value);
                        self.convertible_to_str(v);
                    }
                }
            }
            A::ListComp {
                elt,
                target,
                iter,
                conds,
            } => {
                self.expr(elt, Place::Value);
                self.expr(target, Place::Value);
                self.expr(iter, Place::Iterated);
                conds.iter().for_each(|c| self.expr(c, Place::Value));
            }
            A::Int(_)
            | A::Float(_)
            | A::Bool(_)
            | A::Str(_)
            | A::Bytes(_)
            | A::NoneLit
            | A::Name(_) => {}
        }
    }

    fn call(&mut self, e: &ast::Expr, func: &ast::Expr, args: &[ast::Expr], place: Place) {
        if let (Some(Resolution::Class(c)), [message, _, ..]) = (self.resolution(func), args) {
            let exception = self.program.classes[c.0 as usize].is_exception();
            if exception && !matches!(message.kind, A::Str(_)) {
                self.error(
                    message.span,
                    "an exception message with parameters must be a string literal (its `{0}`..`{2}` name them)",
                );
            }
        }
        // A builtin is resolved on the callee's name, a user function on the call.
        if let Some(Resolution::Builtin(b)) = self.resolution(func) {
            return self.builtin_call(*b, e, args, place);
        }
        match self.resolution(e) {
            Some(Resolution::Builtin(b)) => self.builtin_call(*b, e, args, place),
            Some(Resolution::Call(target)) => {
                let callee = self.program.instance(*target);
                if self.program.defs[callee.def.0 as usize].def.rpc.is_some() {
                    self.rpc_call(e, args);
                }
                if !captures_reachable(self.program, self.id, self.inst, callee) {
                    let name = self.program.defs[callee.def.0 as usize]
                        .def
                        .name
                        .name
                        .clone();
                    self.error(
                        e.span,
                        format!("`{name}` uses variables of the function that defines it, which this caller cannot pass on: call it there, or pass those values as arguments"),
                    );
                }
            }
            _ => {}
        }
    }

    fn builtin_call(&mut self, b: Builtin, e: &ast::Expr, args: &[ast::Expr], place: Place) {
        match b {
            b if b.prints() && place != Place::Statement => self.error(
                e.span,
                format!(
                    "`{}()` can only be used as a statement in kernels",
                    b.name()
                ),
            ),
            Builtin::Enumerate if place != Place::Iterated => self.error(
                e.span,
                "`enumerate()` can only be iterated directly: `for i, x in enumerate(xs):`",
            ),
            Builtin::Int | Builtin::Int32 | Builtin::Int64 | Builtin::Float => {
                if let Some(a) = args.first() {
                    let numeric = matches!(
                        self.ty(a),
                        Some(Ty::Int32 | Ty::Int64 | Ty::Float | Ty::Bool) | None
                    );
                    if !numeric {
                        self.error(
                            a.span,
                            "only numbers can be converted with int(), int64() and float() in kernels",
                        );
                    }
                }
            }
            Builtin::Str => {
                if let Some(a) = args.first() {
                    self.convertible_to_str(a);
                }
            }
            Builtin::Quoted if !self.options.host_calls => self.error(
                e.span,
                "`__strobe_quoted()` exists only in programs the experiment runner composes",
            ),
            b if b.needs_device() && !self.options.device => self.error(e.span, DEVICE_ONLY),
            _ => {}
        }
    }

    fn convertible_to_str(&mut self, v: &ast::Expr) {
        let ok = match self.ty(v) {
            Some(Ty::Object(c)) => self.program.classes[c.0 as usize].is_exception(),
            Some(t) => matches!(
                t,
                Ty::Int32 | Ty::Int64 | Ty::Float | Ty::Bool | Ty::Str | Ty::None
            ),
            None => true,
        };
        if !ok {
            self.error(
                v.span,
                "only numbers, booleans, strings, None and exceptions can be converted to str in kernels",
            );
        }
    }

    /// A value a kernel can pass to the host: what it can receive, and host objects (by their id).
    fn sendable_to_host(&self, t: &Ty) -> bool {
        match t {
            Ty::Object(c) => self.program.classes[c.0 as usize]
                .fields
                .first()
                .is_some_and(|(name, _, _)| name == HOST_OBJECT_ID),
            Ty::Tuple(items) => items.iter().all(|t| self.sendable_to_host(t)),
            Ty::List(elem) => self.sendable_to_host(elem),
            t => sendable(t),
        }
    }

    fn rpc_call(&mut self, e: &ast::Expr, args: &[ast::Expr]) {
        for a in args {
            if let Some(t) = self.ty(a).filter(|t| !self.sendable_to_host(t)) {
                let shown = self.type_name(t);
                let why = match t {
                    Ty::Object(c) if !self.program.classes[c.0 as usize].is_exception() => {
                        ": objects the kernel made have no host counterpart (host objects it was given travel, by identity)"
                    }
                    _ => "",
                };
                self.error(
                    a.span,
                    format!(
                        "a value of type `{shown}` cannot be passed to a host function (RPC){why}"
                    ),
                );
            }
        }
        if let Some(t) = self.ty(e).filter(|t| !sendable(t)) {
            let shown = self.type_name(t);
            self.error(
                e.span,
                format!("a host function (RPC) cannot return a value of type `{shown}`"),
            );
        }
    }
}

/// The field an embedded host object keeps its host-side index in: its first, so the runtime finds
/// it without knowing the class (RPC tag `O`).
pub const HOST_OBJECT_ID: &str = "__strobe_id";

/// A value the host can send a kernel (an RPC's result, a kernel argument).
pub fn sendable(t: &Ty) -> bool {
    match t {
        Ty::Int32
        | Ty::Int64
        | Ty::Float
        | Ty::Bool
        | Ty::Str
        | Ty::Bytes
        | Ty::ByteArray
        | Ty::None
        | Ty::Var(_) => true,
        Ty::Tuple(items) => items.iter().all(sendable),
        Ty::List(elem) | Ty::Array(elem, _) | Ty::Range(elem) => sendable(elem),
        Ty::Object(_) | Ty::Enumerate(_) | Ty::Callable(_) => false,
    }
}

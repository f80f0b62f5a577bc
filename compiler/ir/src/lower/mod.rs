//! Typed AST (one instance at a time) -> IR. Every type-dependent decision is made here: numeric
//! conversions, which operation an operator is, call targets and argument order, truthiness. What is
//! allowed was decided by the type checker: lowering reports no user errors of its own
//! ([`FnLower::unchecked`] is a compiler bug).

mod arrays;
mod builtin;
mod call;
mod expr;
mod ops;
mod stmt;
mod unbound;

use crate::hash;
use crate::tree::*;
use crate::units;
use std::collections::HashMap;
use strobe_syntax::ast::{self, BinOp, CmpOp, ExprKind as A, FStringPart, StmtKind};
use strobe_syntax::{Diagnostic, SourceFile, Span};
use strobe_types::{
    ArgSource, Builtin, Callable, ClassId, ConstValue, Instance, InstanceId, ListMethod,
    Resolution, Ty, TypedProgram,
};

/// What the target offers the kernel language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LowerOptions {
    /// Machine units per second on the core device (1e9: 1 mu = 1 ns); `None` for standalone
    /// programs (no timeline, no RTIO).
    pub mu_per_second: Option<u64>,
    /// The RTIO registers, when known: output events are then written inline.
    pub rtio_registers: Option<RtioRegisters>,
}

/// Lowers every instance of `program` to IR and computes hashes and link units.
pub fn lower_program(
    program: &TypedProgram<'_>,
    file: &SourceFile,
    options: LowerOptions,
) -> Result<Program, Vec<Diagnostic>> {
    let mut class_index = HashMap::new();
    let mut classes = Vec::new();
    for (i, c) in program.classes.iter().enumerate() {
        if !c.is_exception() {
            class_index.insert(ClassId(i as u32), ClassIndex(classes.len() as u32));
            classes.push(ClassLayout {
                name: c.name.clone(),
                fields: vec![],
            });
        }
    }
    let ctx = Shared {
        program,
        file,
        class_index,
        options,
    };
    for (id, index) in &ctx.class_index {
        let fields = program.classes[id.0 as usize]
            .fields
            .iter()
            .map(|(n, t, _)| (n.clone(), ctx.ty(t)))
            .collect();
        classes[index.0 as usize].fields = fields;
    }
    let mut diagnostics = Vec::new();
    let mut functions = Vec::new();
    for (i, inst) in program.instances.iter().enumerate() {
        let mut f = FnLower::new(&ctx, InstanceId(i as u32), inst);
        let body = f.block(&f.def().body);
        diagnostics.append(&mut f.diagnostics);
        functions.push(f.finish(body));
    }
    if !diagnostics.is_empty() {
        diagnostics.sort_by_key(|d: &Diagnostic| d.span.start);
        diagnostics.dedup();
        return Err(diagnostics);
    }
    let mut quoted = std::collections::BTreeMap::new();
    for f in &mut functions {
        crate::units::walk_stmts(&mut f.body, &mut |e| {
            if let ExprKind::Quoted { slot, .. } = e.kind {
                quoted.insert(slot, e.ty.clone());
            }
        });
    }
    let mut out = Program {
        file_name: file.name.clone(),
        source_lines: file.text.lines().map(str::to_string).collect(),
        functions,
        classes,
        entry: FuncId(program.entry.0),
        main_call_line: program
            .module
            .main_call
            .map(|s| Line(file.line_of(s.start))),
        units: vec![],
        rtio_registers: options.rtio_registers,
        timeline: options.mu_per_second.is_some(),
        map: file.map.clone(),
        exceptions: program
            .classes
            .iter()
            .filter_map(|c| Some((c.name.clone(), c.exception_id?)))
            .collect(),
        quoted: quoted.into_iter().collect(),
    };
    // Hashing does not change the bodies: one call graph serves it and the link units.
    let graph = units::call_graph(&out);
    hash::assign_hashes(&mut out, &graph);
    out.units = units::link_units(&out, &graph);
    Ok(out)
}

struct Shared<'a, 'm> {
    program: &'a TypedProgram<'m>,
    file: &'a SourceFile,
    class_index: HashMap<ClassId, ClassIndex>,
    options: LowerOptions,
}

impl Shared<'_, '_> {
    fn ty(&self, t: &Ty) -> Type {
        match t {
            Ty::Int32 => Type::Int32,
            Ty::Int64 => Type::Int64,
            Ty::Float => Type::Float,
            Ty::Bool => Type::Bool,
            Ty::Str => Type::Str,
            Ty::Bytes => Type::Bytes,
            Ty::ByteArray => Type::ByteArray,
            Ty::None | Ty::Var(_) | Ty::Callable(_) => Type::None,
            Ty::Tuple(ts) => Type::Tuple(ts.iter().map(|t| self.ty(t)).collect()),
            Ty::List(t) => Type::List(Box::new(self.ty(t))),
            Ty::Array(t, dims) => Type::Array(Box::new(self.ty(t)), *dims),
            Ty::Range(t) => Type::Range(Box::new(self.ty(t))),
            Ty::Enumerate(_) => Type::None,
            Ty::Object(c) => match self.class_index.get(c) {
                Some(i) => Type::Object(*i),
                None => Type::Exception,
            },
        }
    }

    fn type_name(&self, t: &Ty) -> String {
        let names = |c: ClassId| self.program.class_name(c);
        t.display(&names).to_string()
    }
}

struct FnLower<'s, 'a, 'm> {
    shared: &'s Shared<'a, 'm>,
    id: InstanceId,
    inst: &'a Instance,
    locals: Vec<Local>,
    diagnostics: Vec<Diagnostic>,
}

fn expr(kind: ExprKind, ty: Type) -> Expr {
    Expr { kind, ty }
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    fn new(shared: &'s Shared<'a, 'm>, id: InstanceId, inst: &'a Instance) -> Self {
        let locals = inst
            .locals
            .iter()
            .map(|l| Local {
                name: l.name.clone(),
                ty: shared.ty(&l.ty),
                kind: if l.captured_from.is_some() {
                    LocalKind::Captured
                } else {
                    LocalKind::Value
                },
            })
            .collect();
        FnLower {
            shared,
            id,
            inst,
            locals,
            diagnostics: Vec::new(),
        }
    }

    fn def(&self) -> &'a ast::FunctionDef {
        self.shared.program.defs[self.inst.def.0 as usize].def
    }

    fn finish(self, body: Vec<Stmt>) -> Function {
        let program = self.shared.program;
        let def = self.def();
        let mut params: Vec<LocalId> = (0..def.params.len() as u32).map(LocalId).collect();
        params.extend(
            self.inst
                .locals
                .iter()
                .enumerate()
                .filter(|(_, l)| l.captured_from.is_some())
                .map(|(i, _)| LocalId(i as u32)),
        );
        let arg_names: Vec<String> = self
            .inst
            .args
            .iter()
            .map(|t| self.shared.type_name(t))
            .collect();
        let qualified = format!(
            "{}({})",
            program.def_name(self.inst.def),
            arg_names.join(", ")
        );
        let mut function = Function {
            name: def.name.name.clone(),
            symbol: String::new(),
            qualified,
            params,
            ret: self.shared.ty(&self.inst.ret),
            body,
            boundary: self.inst.boundary,
            recursive: false,
            identity: Default::default(),
            signature: Default::default(),
            line: self.line(def.span),
            locals: self.locals,
        };
        unbound::check_unbound_reads(&mut function);
        function
    }

    /// A case the type checker refuses before lowering (`strobe_types` and its rules): reaching it
    /// is a compiler bug, reported as an internal error at the place rather than a panic.
    fn unchecked(&mut self, span: Span, what: impl Into<String>) {
        let message = format!(
            "internal compiler error: {} (the type checker should have refused this; please report it)",
            what.into()
        );
        self.diagnostics.push(Diagnostic::error(span, message));
    }

    /// An expression that cannot be lowered (see [`Self::unchecked`]); lowering goes on with a `None`
    /// in its place.
    fn invalid(&mut self, span: Span, what: impl Into<String>) -> Expr {
        self.unchecked(span, what);
        expr(ExprKind::None, Type::None)
    }

    fn line(&self, span: Span) -> Line {
        Line(self.shared.file.line_of(span.start))
    }

    fn facts_ty(&self, e: &ast::Expr) -> Ty {
        self.inst
            .exprs
            .get(&e.id)
            .map(|f| f.ty.clone())
            .unwrap_or(Ty::None)
    }

    fn resolution(&self, e: &ast::Expr) -> Option<&'a Resolution> {
        self.inst
            .exprs
            .get(&e.id)
            .and_then(|f| f.resolution.as_ref())
    }

    fn temp(&mut self, ty: Type) -> LocalId {
        self.locals.push(Local {
            name: format!("$t{}", self.locals.len()),
            ty,
            kind: LocalKind::Value,
        });
        LocalId(self.locals.len() as u32 - 1)
    }

    fn local(&self, l: LocalId) -> Expr {
        expr(ExprKind::Local(l), self.locals[l.0 as usize].ty.clone())
    }

    // ----- statements ---------------------------------------------------------------------------

    fn block(&mut self, body: &[ast::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in body {
            self.stmt(s, &mut out);
        }
        out
    }
}

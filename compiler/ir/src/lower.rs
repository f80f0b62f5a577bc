//! Typed AST (one instance at a time) -> IR. Every type-dependent decision is made here: numeric
//! conversions, which operation an operator is, call targets and argument order, truthiness.

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
    /// The core device's RTIO clock; `None` for standalone programs (no timeline, no RTIO).
    pub device_clock_hz: Option<u64>,
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
    let mut out = Program {
        file_name: file.name.clone(),
        source_lines: file.text.lines().map(str::to_string).collect(),
        functions,
        classes,
        entry: FuncId(program.entry.0),
        main_call_line: program
            .module
            .main_call
            .map(|s| Line(file.line_col(s.start).line)),
        units: vec![],
        rtio_registers: options.rtio_registers,
        map: file.map.clone(),
        exceptions: program
            .classes
            .iter()
            .filter_map(|c| Some((c.name.clone(), c.exception_id?)))
            .collect(),
    };
    hash::assign_hashes(&mut out);
    out.units = units::link_units(&out);
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
            Ty::None | Ty::Var(_) | Ty::Callable(_) => Type::None,
            Ty::Tuple(ts) => Type::Tuple(ts.iter().map(|t| self.ty(t)).collect()),
            Ty::List(t) => Type::List(Box::new(self.ty(t))),
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
        Function {
            name: def.name.name.clone(),
            symbol: String::new(),
            qualified,
            params,
            ret: self.shared.ty(&self.inst.ret),
            body,
            boundary: self.inst.boundary,
            identity: Default::default(),
            signature: Default::default(),
            line: self.line(def.span),
            locals: self.locals,
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(span, message));
    }

    /// Reports an expression that cannot be lowered; lowering goes on with a `None` in its place.
    fn invalid(&mut self, span: Span, message: impl Into<String>) -> Expr {
        self.error(span, message);
        expr(ExprKind::None, Type::None)
    }

    fn line(&self, span: Span) -> Line {
        Line(self.shared.file.line_col(span.start).line)
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

    fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        if !matches!(s.kind, StmtKind::Pass | StmtKind::FunctionDef(_)) {
            out.push(Stmt::Line(self.line(s.span)));
        }
        match &s.kind {
            StmtKind::Expr(e) => {
                if let A::Call {
                    func,
                    args,
                    keywords,
                } = &e.kind
                {
                    if matches!(
                        self.resolution(func),
                        Some(Resolution::Builtin(Builtin::Print))
                    ) {
                        let args = args.iter().map(|a| self.expr(a)).collect();
                        let kw = |name: &str, this: &mut Self| {
                            keywords
                                .iter()
                                .find(|k| k.name.name == name)
                                .map(|k| this.expr(&k.value))
                        };
                        let sep = kw("sep", self);
                        let end = kw("end", self);
                        out.push(Stmt::Print { args, sep, end });
                        return;
                    }
                }
                let e = self.expr(e);
                out.push(Stmt::Expr(e));
            }
            StmtKind::Assign { targets, value } => {
                let v = self.expr(value);
                if targets.len() == 1 {
                    let p = self.place(&targets[0]);
                    out.push(Stmt::Assign(p, v));
                } else {
                    let t = self.temp(v.ty.clone());
                    out.push(Stmt::Assign(Place::Local(t), v));
                    for target in targets {
                        let p = self.place(target);
                        out.push(Stmt::Assign(p, self.local(t)));
                    }
                }
            }
            StmtKind::AnnAssign { target, value, .. } => {
                if let Some(v) = value {
                    let want = self.shared.ty(&self.facts_ty(target));
                    let v = self.expr(v);
                    let v = self.coerce(v, &want);
                    let p = self.place(target);
                    out.push(Stmt::Assign(p, v));
                }
            }
            StmtKind::AugAssign { target, op, value } => {
                let current = self.expr(target);
                let rhs = self.expr(value);
                let combined = self.binop(*op, current, rhs, s.span);
                let want = self.shared.ty(&self.facts_ty(target));
                let combined = self.coerce(combined, &want);
                let p = self.place(target);
                out.push(Stmt::Assign(p, combined));
            }
            StmtKind::Return(v) => {
                let ret = self.shared.ty(&self.inst.ret);
                let v = v.as_ref().map(|v| {
                    let e = self.expr(v);
                    self.coerce(e, &ret)
                });
                out.push(Stmt::Return(v));
            }
            StmtKind::If { test, body, orelse } => {
                let cond = self.condition(test);
                out.push(Stmt::If {
                    cond,
                    then: self.block(body),
                    orelse: self.block(orelse),
                });
            }
            StmtKind::While { test, body, orelse } => {
                let cond = self.condition(test);
                out.push(Stmt::While {
                    cond,
                    body: self.block(body),
                    orelse: self.block(orelse),
                });
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                let body = self.block(body);
                let orelse = self.block(orelse);
                let loop_stmt = self.for_loop(target, iter, body, orelse);
                out.push(loop_stmt);
            }
            StmtKind::Break => out.push(Stmt::Break),
            StmtKind::Continue => out.push(Stmt::Continue),
            StmtKind::Pass | StmtKind::FunctionDef(_) => {}
            StmtKind::With { items, body } => {
                let parallel = items
                    .iter()
                    .any(|i| matches!(&i.kind, A::Name(n) if n == "parallel"));
                if !parallel {
                    for st in body {
                        self.stmt(st, out);
                    }
                    return;
                }
                if self.clock_hz(s.span).is_none() {
                    return;
                }
                // Every statement starts at the block's start; the block ends at the latest end.
                let line = self.line(s.span);
                let now = |line| {
                    expr(
                        ExprKind::Intrinsic {
                            op: Intrinsic::NowMu,
                            args: vec![],
                            line,
                        },
                        Type::Int64,
                    )
                };
                let (start, end) = (self.temp(Type::Int64), self.temp(Type::Int64));
                out.push(Stmt::Assign(Place::Local(start), now(line)));
                out.push(Stmt::Assign(Place::Local(end), self.local(start)));
                for st in body {
                    let at = ExprKind::Intrinsic {
                        op: Intrinsic::AtMu,
                        args: vec![self.local(start)],
                        line,
                    };
                    out.push(Stmt::Expr(expr(at, Type::None)));
                    self.stmt(st, out);
                    let latest = ExprKind::MinMax {
                        max: true,
                        values: vec![self.local(end), now(line)],
                        line,
                    };
                    out.push(Stmt::Assign(Place::Local(end), expr(latest, Type::Int64)));
                }
                let at = ExprKind::Intrinsic {
                    op: Intrinsic::AtMu,
                    args: vec![self.local(end)],
                    line,
                };
                out.push(Stmt::Expr(expr(at, Type::None)));
            }
            StmtKind::Raise(exc) => {
                let line = self.line(s.span);
                let exc = exc.as_ref().map(|e| match self.resolution(e) {
                    Some(Resolution::Class(c)) => self.new_exception(*c, None),
                    _ => self.expr(e),
                });
                out.push(Stmt::Raise { exc, line });
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                let body = self.block(body);
                let handlers = handlers.iter().map(|h| self.handler(h)).collect();
                out.push(Stmt::Try {
                    body,
                    handlers,
                    orelse: self.block(orelse),
                    finally: self.block(finalbody),
                });
            }
            StmtKind::Assert { test, msg } => {
                let cond = self.condition(test);
                let msg = msg.as_ref().map(|m| self.expr(m));
                out.push(Stmt::Assert {
                    cond,
                    msg,
                    line: self.line(s.span),
                });
            }
        }
    }

    fn handler(&mut self, h: &ast::Handler) -> Handler {
        let program = self.shared.program;
        let exception = program
            .classes
            .iter()
            .position(|c| c.name == "Exception")
            .map(|i| ClassId(i as u32));
        let mut catches = Vec::new();
        let mut catch_all = h.classes.is_none();
        for c in h.classes.iter().flatten() {
            if let Some(Resolution::Class(cid)) = self.resolution(c) {
                if Some(*cid) == exception {
                    catch_all = true;
                }
                for (i, class) in program.classes.iter().enumerate() {
                    if let Some(id) = class.exception_id {
                        if program.is_subclass(ClassId(i as u32), *cid) && !catches.contains(&id) {
                            catches.push(id);
                        }
                    }
                }
            }
        }
        let bind = self
            .inst
            .handler_locals
            .get(&h.span.start)
            .map(|l| LocalId(l.0));
        Handler {
            catches,
            catch_all,
            bind,
            body: self.block(&h.body),
        }
    }

    fn for_loop(
        &mut self,
        target: &ast::Expr,
        iter: &ast::Expr,
        mut body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    ) -> Stmt {
        // `for i, x in enumerate(xs)`: a list loop that also exposes its index.
        if let A::Call { func, args, .. } = &iter.kind {
            if matches!(
                self.resolution(func),
                Some(Resolution::Builtin(Builtin::Enumerate))
            ) && args.len() == 1
            {
                let list = self.expr(&args[0]);
                let elem_ty = match &list.ty {
                    Type::List(t) => (**t).clone(),
                    _ => Type::None,
                };
                let (index, item) = (self.temp(Type::Int32), self.temp(elem_ty.clone()));
                let pair = expr(
                    ExprKind::TupleLit(vec![self.local(index), self.local(item)]),
                    Type::Tuple(vec![Type::Int32, elem_ty]),
                );
                let place = self.place(target);
                body.insert(0, Stmt::Assign(place, pair));
                return Stmt::ForList {
                    var: item,
                    index: Some(index),
                    list,
                    body,
                    orelse,
                };
            }
        }
        let it = self.expr(iter);
        let item_ty = match &it.ty {
            Type::List(t) | Type::Range(t) => (**t).clone(),
            _ => Type::None,
        };
        let var = match self.place(target) {
            Place::Local(l) => l,
            other => {
                let t = self.temp(item_ty);
                body.insert(0, Stmt::Assign(other, self.local(t)));
                t
            }
        };
        match it.ty {
            Type::Range(_) => Stmt::ForRange {
                var,
                range: it,
                body,
                orelse,
            },
            _ => Stmt::ForList {
                var,
                index: None,
                list: it,
                body,
                orelse,
            },
        }
    }

    fn place(&mut self, target: &ast::Expr) -> Place {
        match &target.kind {
            A::Name(_) => match self.resolution(target) {
                Some(Resolution::Local(l)) => Place::Local(LocalId(l.0)),
                _ => {
                    self.error(target.span, "cannot assign to this name");
                    Place::Unpack(vec![])
                }
            },
            A::Tuple(items) | A::List(items) => {
                Place::Unpack(items.iter().map(|i| self.place(i)).collect())
            }
            A::Attribute { value, .. } => match self.resolution(target) {
                Some(Resolution::Field(c, i)) => {
                    let class = self.shared.class_index[c];
                    Place::Field {
                        object: self.expr(value),
                        class,
                        index: *i as u32,
                    }
                }
                _ => {
                    self.error(target.span, "cannot assign to this attribute");
                    Place::Unpack(vec![])
                }
            },
            A::Subscript { value, index } => {
                let list = self.expr(value);
                let index = self.expr(index);
                let index = self.coerce(index, &Type::Int32);
                Place::Index {
                    list,
                    index,
                    line: self.line(target.span),
                }
            }
            _ => {
                self.error(target.span, "cannot assign to this expression");
                Place::Unpack(vec![])
            }
        }
    }

    // ----- expressions --------------------------------------------------------------------------

    fn condition(&mut self, e: &ast::Expr) -> Expr {
        let v = self.expr(e);
        self.truthy(v)
    }

    fn truthy(&mut self, v: Expr) -> Expr {
        if v.ty == Type::Bool {
            v
        } else {
            expr(ExprKind::Truthy(boxed(v)), Type::Bool)
        }
    }

    fn coerce(&mut self, v: Expr, to: &Type) -> Expr {
        if &v.ty == to {
            return v;
        }
        let numeric = |t: &Type| matches!(t, Type::Int32 | Type::Int64 | Type::Float | Type::Bool);
        if numeric(&v.ty) && numeric(to) {
            return expr(ExprKind::Convert(boxed(v)), to.clone());
        }
        v
    }

    fn constant(&self, v: &ConstValue, want: &Type) -> Expr {
        match (v, want) {
            (ConstValue::Int(i), Type::Float) => {
                expr(ExprKind::Float(FloatBits(*i as f64)), Type::Float)
            }
            (ConstValue::Int(i), t) => expr(
                ExprKind::Int(*i),
                if matches!(t, Type::Int64) {
                    Type::Int64
                } else {
                    Type::Int32
                },
            ),
            (ConstValue::Float(f), _) => expr(ExprKind::Float(FloatBits(*f)), Type::Float),
            (ConstValue::Bool(b), _) => expr(ExprKind::Bool(*b), Type::Bool),
            (ConstValue::Str(s), _) => expr(ExprKind::Str(s.clone()), Type::Str),
            (ConstValue::None, _) => expr(ExprKind::None, Type::None),
            (ConstValue::Tuple(items), t) => {
                let wants: Vec<Type> = match t {
                    Type::Tuple(ts) => ts.clone(),
                    _ => items.iter().map(|i| self.shared.ty(&i.ty())).collect(),
                };
                let items: Vec<Expr> = items
                    .iter()
                    .zip(wants.iter())
                    .map(|(i, w)| self.constant(i, w))
                    .collect();
                let ty = Type::Tuple(items.iter().map(|i| i.ty.clone()).collect());
                expr(ExprKind::TupleLit(items), ty)
            }
        }
    }

    fn new_exception(&mut self, c: ClassId, message: Option<Expr>) -> Expr {
        let class = &self.shared.program.classes[c.0 as usize];
        let kind = ExprKind::NewException {
            id: class.exception_id.unwrap_or(1),
            name: class.name.clone(),
            message: message.map(boxed),
        };
        expr(kind, Type::Exception)
    }

    fn expr(&mut self, e: &ast::Expr) -> Expr {
        let ty = self.shared.ty(&self.facts_ty(e));
        let line = self.line(e.span);
        let kind = match &e.kind {
            A::Int(v) => {
                return match ty {
                    Type::Float => expr(ExprKind::Float(FloatBits(*v as f64)), Type::Float),
                    _ => expr(ExprKind::Int(*v), ty),
                }
            }
            A::Float(v) => ExprKind::Float(FloatBits(*v)),
            A::Bool(b) => ExprKind::Bool(*b),
            A::Str(s) => ExprKind::Str(s.clone()),
            A::NoneLit => ExprKind::None,
            A::Name(_) => match self.resolution(e) {
                Some(Resolution::Local(l)) => ExprKind::Local(LocalId(l.0)),
                Some(Resolution::Constant(v)) => return self.constant(v, &ty),
                _ => {
                    self.error(e.span, "this name cannot be used as a value");
                    ExprKind::None
                }
            },
            A::Attribute { value, .. } => match self.resolution(e) {
                Some(Resolution::Constant(v)) => return self.constant(v, &ty),
                Some(Resolution::Field(c, i)) => {
                    let class = self.shared.class_index[c];
                    ExprKind::Field {
                        object: boxed(self.expr(value)),
                        class,
                        index: *i as u32,
                    }
                }
                _ => {
                    self.error(e.span, "this attribute cannot be used as a value");
                    ExprKind::None
                }
            },
            A::Call {
                func,
                args,
                keywords,
            } => return self.call(e, func, args, keywords, ty),
            A::BinOp { op, left, right } => {
                let (l, r) = (self.expr(left), self.expr(right));
                return self.binop(*op, l, r, e.span);
            }
            A::UnaryOp { op, operand } => {
                let v = self.expr(operand);
                match op {
                    ast::UnaryOp::Not => {
                        let t = self.truthy(v);
                        ExprKind::Not(boxed(t))
                    }
                    ast::UnaryOp::Neg => ExprKind::Neg(boxed(v)),
                    ast::UnaryOp::Pos => return v,
                    ast::UnaryOp::Invert => ExprKind::Invert(boxed(v)),
                }
            }
            A::BoolOp { op, values } => {
                let values = values.iter().map(|v| self.expr(v)).collect();
                ExprKind::ShortCircuit {
                    and: *op == ast::BoolOp::And,
                    values,
                }
            }
            A::Compare {
                left,
                ops,
                comparators,
            } => {
                let mut terms = Vec::new();
                let mut l = self.expr(left);
                for (op, right) in ops.iter().zip(comparators.iter()) {
                    let r = self.expr(right);
                    terms.push(self.compare(*op, l, r.clone(), e.span));
                    l = r;
                }
                if terms.len() == 1 {
                    return terms
                        .pop()
                        .unwrap_or_else(|| expr(ExprKind::Bool(false), Type::Bool));
                }
                ExprKind::ShortCircuit {
                    and: true,
                    values: terms,
                }
            }
            A::IfExp { test, body, orelse } => {
                let cond = self.condition(test);
                let then = self.expr(body);
                let orelse = self.expr(orelse);
                ExprKind::IfExp {
                    cond: boxed(cond),
                    then: boxed(then),
                    orelse: boxed(orelse),
                }
            }
            A::List(items) => {
                let elem = match &ty {
                    Type::List(t) => (**t).clone(),
                    _ => Type::None,
                };
                ExprKind::ListLit(
                    items
                        .iter()
                        .map(|i| {
                            let v = self.expr(i);
                            self.coerce(v, &elem)
                        })
                        .collect(),
                )
            }
            A::Tuple(items) => ExprKind::TupleLit(items.iter().map(|i| self.expr(i)).collect()),
            A::Subscript { value, index } => {
                let container = self.expr(value);
                match container.ty {
                    Type::Tuple(ref items) => {
                        let n = items.len() as i64;
                        let k = match &index.kind {
                            A::Int(k) => *k,
                            A::UnaryOp {
                                op: ast::UnaryOp::Neg,
                                operand,
                            } => match operand.kind {
                                A::Int(k) => -k,
                                _ => 0,
                            },
                            _ => match self.resolution(index) {
                                Some(Resolution::Constant(ConstValue::Int(k))) => *k,
                                _ => 0,
                            },
                        };
                        ExprKind::TupleGet {
                            tuple: boxed(container),
                            index: k.rem_euclid(n.max(1)) as u32,
                        }
                    }
                    _ => {
                        let i = self.expr(index);
                        let i = self.coerce(i, &Type::Int32);
                        ExprKind::Index {
                            list: boxed(container),
                            index: boxed(i),
                            line,
                        }
                    }
                }
            }
            A::FString(parts) => {
                let mut lowered = Vec::new();
                for p in parts {
                    match p {
                        FStringPart::Literal(s) => {
                            lowered.push(expr(ExprKind::Str(s.clone()), Type::Str))
                        }
                        FStringPart::Value(v) => {
                            let x = self.expr(v);
                            let s = self.stringify(x, v.span);
                            lowered.push(s);
                        }
                    }
                }
                ExprKind::StrConcat {
                    parts: lowered,
                    line,
                }
            }
            A::ListComp {
                elt,
                target,
                iter,
                conds,
            } => {
                let list = self.temp(ty.clone());
                let elem_ty = match &ty {
                    Type::List(t) => (**t).clone(),
                    _ => Type::None,
                };
                let value = self.expr(elt);
                let value = self.coerce(value, &elem_ty);
                let mut inner = vec![Stmt::Expr(expr(
                    ExprKind::ListAppend {
                        list: boxed(self.local(list)),
                        value: boxed(value),
                        line,
                    },
                    Type::None,
                ))];
                for c in conds.iter().rev() {
                    let cond = self.condition(c);
                    inner = vec![Stmt::If {
                        cond,
                        then: inner,
                        orelse: vec![],
                    }];
                }
                let loop_stmt = self.for_loop(target, iter, inner, vec![]);
                let init = Stmt::Assign(
                    Place::Local(list),
                    expr(ExprKind::ListLit(vec![]), ty.clone()),
                );
                ExprKind::Block(vec![init, loop_stmt], boxed(self.local(list)))
            }
        };
        expr(kind, ty)
    }

    /// The device clock, or an error: the timeline and RTIO exist only on the core device.
    fn clock_hz(&mut self, span: Span) -> Option<u64> {
        if self.shared.options.device_clock_hz.is_none() {
            self.error(span, "the timeline and RTIO need the core device: run this with `strobe run`, not `strobe exec`");
        }
        self.shared.options.device_clock_hz
    }

    fn stringify(&mut self, v: Expr, span: Span) -> Expr {
        let line = self.line(span);
        match v.ty {
            Type::Str => v,
            Type::Int32 | Type::Int64 | Type::Float | Type::Bool | Type::None | Type::Exception => {
                expr(
                    ExprKind::ToStr {
                        value: boxed(v),
                        line,
                    },
                    Type::Str,
                )
            }
            _ => {
                self.error(span, "only numbers, booleans, strings, None and exceptions can be converted to str in kernels");
                expr(ExprKind::Str(String::new()), Type::Str)
            }
        }
    }

    fn common_numeric(&mut self, l: Expr, r: Expr) -> (Expr, Expr) {
        if l.ty == r.ty {
            return (l, r);
        }
        if l.ty == Type::Float || r.ty == Type::Float {
            return (self.coerce(l, &Type::Float), self.coerce(r, &Type::Float));
        }
        let target = if l.ty == Type::Int64 || r.ty == Type::Int64 {
            Type::Int64
        } else {
            Type::Int32
        };
        (self.coerce(l, &target), self.coerce(r, &target))
    }

    fn binop(&mut self, op: BinOp, l: Expr, r: Expr, span: Span) -> Expr {
        let line = self.line(span);
        let numeric = |t: &Type| matches!(t, Type::Int32 | Type::Int64 | Type::Float | Type::Bool);
        if numeric(&l.ty) && numeric(&r.ty) {
            let from_int = l.ty != Type::Float && r.ty != Type::Float;
            let (l, r) = if op == BinOp::Div {
                (self.coerce(l, &Type::Float), self.coerce(r, &Type::Float))
            } else {
                self.common_numeric(l, r)
            };
            let op = match op {
                BinOp::Add => ArithOp::Add,
                BinOp::Sub => ArithOp::Sub,
                BinOp::Mult => ArithOp::Mul,
                BinOp::Div => ArithOp::Div { from_int },
                BinOp::FloorDiv => ArithOp::FloorDiv,
                BinOp::Mod => ArithOp::Mod,
                BinOp::Pow => ArithOp::Pow,
                BinOp::LShift => ArithOp::Shl,
                BinOp::RShift => ArithOp::Shr,
                BinOp::BitAnd => ArithOp::BitAnd,
                BinOp::BitOr => ArithOp::BitOr,
                BinOp::BitXor => ArithOp::BitXor,
            };
            let ty = l.ty.clone();
            return expr(
                ExprKind::Arith {
                    op,
                    left: boxed(l),
                    right: boxed(r),
                    line,
                },
                ty,
            );
        }
        match (&l.ty, &r.ty, op) {
            (Type::Str, Type::Str, BinOp::Add) => expr(
                ExprKind::StrConcat {
                    parts: vec![l, r],
                    line,
                },
                Type::Str,
            ),
            (Type::List(_), Type::List(_), BinOp::Add) => {
                let ty = l.ty.clone();
                expr(
                    ExprKind::ListConcat {
                        left: boxed(l),
                        right: boxed(r),
                        line,
                    },
                    ty,
                )
            }
            (Type::List(_), _, BinOp::Mult) => {
                let ty = l.ty.clone();
                expr(
                    ExprKind::ListRepeat {
                        list: boxed(l),
                        count: boxed(r),
                        line,
                    },
                    ty,
                )
            }
            (_, Type::List(_), BinOp::Mult) => {
                let ty = r.ty.clone();
                expr(
                    ExprKind::ListRepeat {
                        list: boxed(r),
                        count: boxed(l),
                        line,
                    },
                    ty,
                )
            }
            (Type::Tuple(a), Type::Tuple(b), BinOp::Add) => {
                let (a, b) = (a.len(), b.len());
                let (lt, rt) = (self.temp(l.ty.clone()), self.temp(r.ty.clone()));
                let mut items = Vec::new();
                for (t, n) in [(lt, a), (rt, b)] {
                    let Type::Tuple(tys) = self.locals[t.0 as usize].ty.clone() else {
                        continue;
                    };
                    for (i, ty) in tys.into_iter().enumerate().take(n) {
                        items.push(expr(
                            ExprKind::TupleGet {
                                tuple: boxed(self.local(t)),
                                index: i as u32,
                            },
                            ty,
                        ));
                    }
                }
                let ty = Type::Tuple(items.iter().map(|i| i.ty.clone()).collect());
                let init = vec![
                    Stmt::Assign(Place::Local(lt), l),
                    Stmt::Assign(Place::Local(rt), r),
                ];
                expr(
                    ExprKind::Block(init, boxed(expr(ExprKind::TupleLit(items), ty.clone()))),
                    ty,
                )
            }
            _ => self.invalid(
                span,
                format!("unsupported operand types for `{}`", op.symbol()),
            ),
        }
    }

    fn compare(&mut self, op: CmpOp, l: Expr, r: Expr, span: Span) -> Expr {
        let kind = match op {
            CmpOp::Eq => CmpKind::Eq,
            CmpOp::NotEq => CmpKind::Ne,
            CmpOp::Lt => CmpKind::Lt,
            CmpOp::LtE => CmpKind::Le,
            CmpOp::Gt => CmpKind::Gt,
            CmpOp::GtE => CmpKind::Ge,
            CmpOp::Is | CmpOp::IsNot => {
                // Only `x is None` type-checks; with static types it is known at compile time.
                let same = l.ty == Type::None && r.ty == Type::None;
                let v = if op == CmpOp::Is { same } else { !same };
                let block = ExprKind::Block(
                    vec![Stmt::Expr(l), Stmt::Expr(r)],
                    boxed(expr(ExprKind::Bool(v), Type::Bool)),
                );
                return expr(block, Type::Bool);
            }
            CmpOp::In | CmpOp::NotIn => {
                let elem = match &r.ty {
                    Type::List(t) | Type::Range(t) => (**t).clone(),
                    _ => Type::None,
                };
                let item = self.coerce(l, &elem);
                let c = expr(
                    ExprKind::Contains {
                        item: boxed(item),
                        container: boxed(r),
                    },
                    Type::Bool,
                );
                return if op == CmpOp::In {
                    c
                } else {
                    expr(ExprKind::Not(boxed(c)), Type::Bool)
                };
            }
        };
        if l.ty == Type::None && r.ty == Type::None {
            let v = matches!(kind, CmpKind::Eq | CmpKind::Le | CmpKind::Ge);
            return expr(ExprKind::Bool(v), Type::Bool);
        }
        let (l, r) = if l.ty == Type::Str {
            (l, r)
        } else {
            self.common_numeric(l, r)
        };
        if !matches!(
            l.ty,
            Type::Int32 | Type::Int64 | Type::Float | Type::Bool | Type::Str
        ) || l.ty != r.ty
        {
            self.error(span, "cannot compare these values in kernels");
        }
        expr(
            ExprKind::Compare {
                op: kind,
                left: boxed(l),
                right: boxed(r),
            },
            Type::Bool,
        )
    }

    fn call_arguments(
        &mut self,
        call: &ast::Expr,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        callee: InstanceId,
        receiver: Option<Expr>,
    ) -> Vec<Expr> {
        let program = self.shared.program;
        let target = program.instance(callee);
        let sources = self
            .inst
            .call_args
            .get(&call.id)
            .cloned()
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut receiver = receiver;
        for (i, s) in sources.iter().enumerate() {
            let want = self.shared.ty(&target.args[i]);
            let v = match s {
                ArgSource::Receiver => receiver
                    .take()
                    .unwrap_or_else(|| expr(ExprKind::None, Type::None)),
                ArgSource::Positional(p) => self.expr(&args[*p]),
                ArgSource::Keyword(k) => self.expr(&keywords[*k].value),
                ArgSource::Default(v) => self.constant(v, &want),
            };
            out.push(self.coerce(v, &want));
        }
        // Captured variables of a nested callee, by reference.
        for captured in target.locals.iter().filter(|l| l.captured_from.is_some()) {
            let here = match captured.captured_from {
                Some(l) if target.parent == Some(self.id) => Some(LocalId(l.0)),
                // Self-recursion or a call from a sibling: pass our own reference along.
                _ => self
                    .inst
                    .locals
                    .iter()
                    .position(|m| m.name == captured.name)
                    .map(|i| LocalId(i as u32)),
            };
            match here {
                Some(local) => {
                    let ty = self.locals[local.0 as usize].ty.clone();
                    out.push(expr(ExprKind::LocalRef(local), ty));
                }
                None => self.error(call.span, "this nested function uses variables of its enclosing function that the caller cannot reach"),
            }
        }
        out
    }

    /// A call of a host function: the arguments (not the receiver: the host knows the object) are
    /// sent, and must be values the host can receive.
    #[allow(clippy::too_many_arguments)]
    fn rpc_call(
        &mut self,
        e: &ast::Expr,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        target: InstanceId,
        receiver: Option<Expr>,
        rpc: ast::RpcDecl,
        ty: Type,
    ) -> Expr {
        let has_receiver = receiver.is_some();
        let mut call_args = self.call_arguments(e, args, keywords, target, receiver);
        if has_receiver {
            call_args.remove(0);
        }
        for (a, value) in call_args.iter().zip(args.iter()) {
            if !a.ty.is_sendable() {
                let shown = self.shared.type_name(&self.facts_ty(value));
                self.error(value.span, format!("a value of type `{shown}` cannot be passed to a host function (RPC)"));
            }
        }
        if !ty.is_sendable() {
            let shown = self.shared.type_name(&self.facts_ty(e));
            self.error(e.span, format!("a host function (RPC) cannot return a value of type `{shown}`"));
        }
        let line = self.line(e.span);
        let ty = if rpc.is_async { Type::None } else { ty };
        expr(
            ExprKind::Rpc {
                service: rpc.service,
                is_async: rpc.is_async,
                args: call_args,
                line,
            },
            ty,
        )
    }

    fn call(
        &mut self,
        e: &ast::Expr,
        func: &ast::Expr,
        args: &[ast::Expr],
        keywords: &[ast::Keyword],
        ty: Type,
    ) -> Expr {
        let line = self.line(e.span);
        let callee_ty = self.facts_ty(func);
        match (self.resolution(e), &callee_ty) {
            (Some(Resolution::Call(target)), Ty::Callable(Callable::Class(c))) => {
                let class = self.shared.class_index[c];
                let new_obj = expr(ExprKind::None, Type::None); // placeholder receiver: `New` supplies it
                let mut call_args = self.call_arguments(e, args, keywords, *target, Some(new_obj));
                call_args.remove(0);
                return expr(
                    ExprKind::New {
                        class,
                        init: Some((FuncId(target.0), call_args)),
                        line,
                    },
                    ty,
                );
            }
            (Some(Resolution::Call(target)), callee) => {
                // A method call passes the object it was reached through as the receiver.
                let receiver = match (callee, &func.kind) {
                    (Ty::Callable(Callable::Method(..)), A::Attribute { value, .. }) => {
                        Some(self.expr(value))
                    }
                    (Ty::Callable(Callable::Method(..)), _) => return expr(ExprKind::None, ty),
                    _ => None,
                };
                let target_def = self.shared.program.instance(*target).def;
                if let Some(rpc) = self.shared.program.defs[target_def.0 as usize].def.rpc {
                    return self.rpc_call(e, args, keywords, *target, receiver, rpc, ty);
                }
                let call_args = self.call_arguments(e, args, keywords, *target, receiver);
                return expr(
                    ExprKind::Call {
                        func: FuncId(target.0),
                        args: call_args,
                        line,
                    },
                    ty,
                );
            }
            _ => {}
        }
        match (self.resolution(func), &callee_ty) {
            (_, Ty::Callable(Callable::Class(c))) => {
                let c = *c;
                if self.shared.program.classes[c.0 as usize].is_exception() {
                    let message = args.first().map(|a| self.expr(a));
                    return self.new_exception(c, message);
                }
                let class = self.shared.class_index[&c];
                expr(
                    ExprKind::New {
                        class,
                        init: None,
                        line,
                    },
                    ty,
                )
            }
            (Some(Resolution::ListMethod(m)), _) => {
                let A::Attribute { value, .. } = &func.kind else {
                    return expr(ExprKind::None, ty);
                };
                let list = self.expr(value);
                match m {
                    ListMethod::Append => {
                        let elem = match &list.ty {
                            Type::List(t) => (**t).clone(),
                            _ => Type::None,
                        };
                        let v = self.expr(&args[0]);
                        let v = self.coerce(v, &elem);
                        expr(
                            ExprKind::ListAppend {
                                list: boxed(list),
                                value: boxed(v),
                                line,
                            },
                            Type::None,
                        )
                    }
                    ListMethod::Pop => expr(
                        ExprKind::ListPop {
                            list: boxed(list),
                            line,
                        },
                        ty,
                    ),
                }
            }
            (Some(Resolution::Builtin(b)), _) => self.builtin(*b, e, args, ty, line),
            _ => self.invalid(e.span, "cannot call this"),
        }
    }

    fn builtin(
        &mut self,
        b: Builtin,
        e: &ast::Expr,
        args: &[ast::Expr],
        ty: Type,
        line: Line,
    ) -> Expr {
        let mut vals: Vec<Expr> = args.iter().map(|a| self.expr(a)).collect();
        match b {
            Builtin::Print => self.invalid(
                e.span,
                "`print()` can only be used as a statement in kernels",
            ),
            Builtin::Len => {
                let v = vals.remove(0);
                if let Type::Tuple(items) = &v.ty {
                    let n = items.len() as i64;
                    return expr(
                        ExprKind::Block(
                            vec![Stmt::Expr(v)],
                            boxed(expr(ExprKind::Int(n), Type::Int32)),
                        ),
                        Type::Int32,
                    );
                }
                expr(ExprKind::Len(boxed(v)), Type::Int32)
            }
            Builtin::Range => {
                let elem = match &ty {
                    Type::Range(t) => (**t).clone(),
                    _ => Type::Int32,
                };
                let zero = expr(ExprKind::Int(0), elem.clone());
                let one = expr(ExprKind::Int(1), elem.clone());
                let (start, stop, step) = match vals.len() {
                    1 => (zero, vals.remove(0), one),
                    2 => {
                        let stop = vals.remove(1);
                        (vals.remove(0), stop, one)
                    }
                    _ => {
                        let step = vals.remove(2);
                        let stop = vals.remove(1);
                        (vals.remove(0), stop, step)
                    }
                };
                expr(
                    ExprKind::RangeLit {
                        start: boxed(start),
                        stop: boxed(stop),
                        step: boxed(step),
                        line,
                    },
                    ty,
                )
            }
            Builtin::Int | Builtin::Int32 | Builtin::Int64 | Builtin::Float => {
                let v = vals.remove(0);
                if !matches!(v.ty, Type::Int32 | Type::Int64 | Type::Float | Type::Bool) {
                    self.error(
                        args[0].span,
                        "only numbers can be converted with int(), int64() and float() in kernels",
                    );
                }
                self.coerce(v, &ty)
            }
            Builtin::Bool => {
                let v = vals.remove(0);
                self.truthy(v)
            }
            Builtin::Str => {
                let v = vals.remove(0);
                self.stringify(v, args[0].span)
            }
            Builtin::Abs => expr(ExprKind::Abs(boxed(vals.remove(0))), ty),
            Builtin::Sum => expr(ExprKind::Sum(boxed(vals.remove(0))), ty),
            Builtin::Math(fun) => {
                let arg = self.coerce(vals.remove(0), &Type::Float);
                expr(
                    ExprKind::Math {
                        fun,
                        arg: boxed(arg),
                        line,
                    },
                    ty,
                )
            }
            Builtin::Enumerate => self.invalid(
                e.span,
                "`enumerate()` can only be iterated directly: `for i, x in enumerate(xs):`",
            ),
            Builtin::Round => {
                let v = vals.remove(0);
                match v.ty {
                    Type::Float => expr(ExprKind::Round(boxed(v)), Type::Int32),
                    _ => self.coerce(v, &Type::Int32),
                }
            }
            Builtin::Min | Builtin::Max => {
                let values = if vals.len() == 1 {
                    vals
                } else {
                    vals.into_iter().map(|v| self.coerce(v, &ty)).collect()
                };
                expr(
                    ExprKind::MinMax {
                        max: b == Builtin::Max,
                        values,
                        line,
                    },
                    ty,
                )
            }
            // What is left: the timeline and RTIO.
            timeline => {
                debug_assert!(timeline.needs_device());
                let Some(clock_hz) = self.clock_hz(e.span) else {
                    return expr(ExprKind::None, ty);
                };
                let op = match timeline {
                    Builtin::NowMu => Intrinsic::NowMu,
                    Builtin::AtMu => Intrinsic::AtMu,
                    Builtin::DelayMu => Intrinsic::DelayMu,
                    Builtin::Delay => {
                        let seconds = self.coerce(vals.remove(0), &Type::Float);
                        vals.push(expr(
                            ExprKind::SecondsToMu {
                                seconds: boxed(seconds),
                                clock_hz,
                            },
                            Type::Int64,
                        ));
                        Intrinsic::DelayMu
                    }
                    Builtin::RtioOutput => Intrinsic::RtioOutput,
                    Builtin::RtioGate => Intrinsic::RtioGate,
                    Builtin::RtioInputTimestamp => Intrinsic::RtioInputTimestamp,
                    _ => Intrinsic::RtioGetCounter,
                };
                let vals = match op {
                    Intrinsic::RtioOutput | Intrinsic::RtioGate => vals
                        .into_iter()
                        .map(|v| self.coerce(v, &Type::Int32))
                        .collect(),
                    _ => vals,
                };
                expr(
                    ExprKind::Intrinsic {
                        op,
                        args: vals,
                        line,
                    },
                    ty,
                )
            }
        }
    }
}

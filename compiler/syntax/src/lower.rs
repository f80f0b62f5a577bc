//! ruff's Python AST -> kernel AST. Every construct outside the kernel language is rejected here with a
//! diagnostic at its span, so later stages only see what they support.

use crate::ast::{self, ExprId, ExprKind, Ident, StmtKind};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};
use ruff_python_ast as py;
use ruff_text_size::{Ranged, TextRange};

pub(crate) fn parse_module(
    file: &SourceFile,
    options: crate::ParseOptions,
) -> Result<ast::Module, Vec<Diagnostic>> {
    crate::nesting::check_nesting(&file.text).map_err(|d| vec![d])?;
    let parsed = ruff_python_parser::parse_module(&file.text).map_err(|e| {
        vec![unclosed_bracket(&file.text).unwrap_or_else(|| {
            Diagnostic::error(span(e.location), format!("syntax error: {}", e.error))
        })]
    })?;
    let mut lowerer = Lowerer {
        next_expr: 0,
        diagnostics: Vec::new(),
        options,
        lambdas: Vec::new(),
    };
    let module = lowerer.module(parsed.into_syntax().body.to_vec());
    if lowerer.diagnostics.is_empty() {
        Ok(module)
    } else {
        Err(lowerer.diagnostics)
    }
}

/// A bracket the source never closes, reported where it opens (as CPython does) rather than where
/// the parser gave up.
fn unclosed_bracket(text: &str) -> Option<Diagnostic> {
    use ruff_python_ast::token::TokenKind as T;
    let parsed = ruff_python_parser::parse_unchecked_source(text, py::PySourceType::Python);
    let mut open = Vec::new();
    for token in parsed.tokens().iter() {
        match token.kind() {
            T::Lpar | T::Lsqb | T::Lbrace => open.push(token.range()),
            T::Rpar | T::Rsqb | T::Rbrace => {
                open.pop();
            }
            _ => {}
        }
    }
    let bracket = open.pop()?;
    let shown = &text[bracket];
    Some(Diagnostic::error(
        span(bracket),
        format!("syntax error: '{shown}' was never closed"),
    ))
}

fn is_int64_min(e: &py::Expr) -> bool {
    matches!(e, py::Expr::NumberLiteral(n)
        if matches!(&n.value, py::Number::Int(i) if i.as_u64() == Some(1u64 << 63)))
}

pub(crate) fn is_name(e: &py::Expr, name: &str) -> bool {
    matches!(e, py::Expr::Name(n) if n.id.as_str() == name)
}

pub(crate) fn span(range: TextRange) -> Span {
    Span::new(range.start().to_u32(), range.end().to_u32())
}

fn ident(id: &py::Identifier) -> Ident {
    Ident {
        name: id.id.to_string(),
        span: span(id.range),
    }
}

/// Result of lowering one node: `Err(())` means a diagnostic has been recorded.
pub(crate) type Lowered<T> = Result<T, ()>;

pub(crate) struct Lowerer {
    pub(crate) next_expr: u32,
    diagnostics: Vec<Diagnostic>,
    pub(crate) options: crate::ParseOptions,
    /// Functions made of the `lambda`s met in the statement being lowered, defined before it.
    pub(crate) lambdas: Vec<ast::Stmt>,
}

impl Lowerer {
    pub(crate) fn error<T>(&mut self, range: TextRange, message: impl Into<String>) -> Lowered<T> {
        self.diagnostics
            .push(Diagnostic::error(span(range), message));
        Err(())
    }

    pub(crate) fn unsupported<T>(&mut self, range: TextRange, what: &str) -> Lowered<T> {
        // "`yield` is", "dictionaries are".
        let verb = if what.ends_with('s') && !what.starts_with('`') {
            "are"
        } else {
            "is"
        };
        self.error(range, format!("{what} {verb} not supported in kernels"))
    }

    /// A function's (or lambda's) parameters: positional ones, with annotations and defaults.
    pub(crate) fn parameters(&mut self, p: &py::Parameters) -> Lowered<Vec<ast::Param>> {
        if let Some(v) = &p.vararg {
            return self.unsupported(v.range, "`*args`");
        }
        if let Some(v) = &p.kwarg {
            return self.unsupported(v.range, "`**kwargs`");
        }
        if let Some(k) = p.kwonlyargs.first() {
            return self.unsupported(k.range, "keyword-only parameters");
        }
        self.parameter_list(p)
    }

    /// A host function's parameters: also keyword-only ones, `*args` and `**kwargs` (which make
    /// it variadic in positional arguments and in keywords).
    fn host_parameters(&mut self, p: &py::Parameters) -> Lowered<(Vec<ast::Param>, bool, bool)> {
        Ok((
            self.parameter_list(p)?,
            p.vararg.is_some(),
            p.kwarg.is_some(),
        ))
    }

    fn parameter_list(&mut self, p: &py::Parameters) -> Lowered<Vec<ast::Param>> {
        let mut params = Vec::new();
        let positional = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .map(|a| (a, false));
        for (a, keyword_only) in positional.chain(p.kwonlyargs.iter().map(|a| (a, true))) {
            let annotation = a
                .parameter
                .annotation
                .as_deref()
                .map(|e| self.expr(e))
                .transpose()?;
            let default = a.default.as_deref().map(|e| self.expr(e)).transpose()?;
            params.push(ast::Param {
                name: ident(&a.parameter.name),
                annotation,
                default,
                keyword_only,
            });
        }
        Ok(params)
    }

    pub(crate) fn function(&mut self, f: &py::StmtFunctionDef) -> Lowered<ast::FunctionDef> {
        if f.is_async {
            return self.unsupported(f.range, "`async def`");
        }
        if let Some(tp) = &f.type_params {
            return self.unsupported(tp.range, "type parameters");
        }
        let mut rpc = None;
        for d in &f.decorator_list {
            let name = match &d.expression {
                py::Expr::Name(n) => n.id.as_str(),
                py::Expr::Call(c) if self.options.host_calls && is_name(&c.func, "rpc") => {
                    rpc = Some(self.rpc_decorator(c)?);
                    continue;
                }
                _ => "",
            };
            match name {
                "kernel" | "portable" | "staticmethod" => {}
                // A standalone program has no host process to run these in.
                "rpc" | "host_only" => {
                    return self.error(
                        d.range,
                        format!(
                        "`@{name}` functions run on the host: a standalone kernel program has none"
                    ),
                    )
                }
                _ => return self.unsupported(d.range, "this decorator"),
            }
        }
        let (params, variadic, variadic_keywords) = if rpc.is_some() {
            self.host_parameters(&f.parameters)?
        } else {
            (self.parameters(&f.parameters)?, false, false)
        };
        let returns = f.returns.as_deref().map(|e| self.expr(e)).transpose()?;
        // A host function's body runs on the host: the kernel only needs its signature.
        let body = if rpc.is_some() {
            Vec::new()
        } else {
            self.block(&f.body)?
        };
        Ok(ast::FunctionDef {
            name: ident(&f.name),
            params,
            variadic,
            variadic_keywords,
            returns,
            body,
            span: span(f.range),
            rpc,
        })
    }

    /// `@rpc(service=N)` or `@rpc(service=N, flags={"async"})`.
    fn rpc_decorator(&mut self, c: &py::ExprCall) -> Lowered<ast::RpcDecl> {
        let mut decl = None;
        let mut is_async = false;
        for k in c.arguments.keywords.iter() {
            match (k.arg.as_ref().map(|a| a.id.as_str()), &k.value) {
                (Some("service"), py::Expr::NumberLiteral(n)) => {
                    if let py::Number::Int(i) = &n.value {
                        decl = i.as_u64().and_then(|v| u32::try_from(v).ok());
                    }
                }
                (Some("flags"), py::Expr::Set(set)) => {
                    for e in set.elts.iter() {
                        match e {
                            py::Expr::StringLiteral(s) if s.value.to_str() == "async" => {
                                is_async = true
                            }
                            other => {
                                return self.error(other.range(), "the only RPC flag is \"async\"")
                            }
                        }
                    }
                }
                _ => {
                    return self.error(k.range, "`@rpc` takes `service=N` and `flags={\"async\"}`")
                }
            }
        }
        match decl {
            Some(service) => Ok(ast::RpcDecl { service, is_async }),
            None => self.error(c.range(), "`@rpc` needs `service=N`"),
        }
    }

    /// `kernel_invariants = {"a", "b"}`: attribute names kernels only read.
    fn invariant_names(&mut self, value: &py::Expr) -> Lowered<Vec<Ident>> {
        let items = match value {
            py::Expr::Set(s) => &s.elts[..],
            py::Expr::List(l) => &l.elts[..],
            py::Expr::Tuple(t) => &t.elts[..],
            other => {
                return self.error(
                    other.range(),
                    "`kernel_invariants` must be a set of attribute names",
                )
            }
        };
        let mut names = Vec::new();
        for e in items {
            match e {
                py::Expr::StringLiteral(s) => names.push(Ident {
                    name: s.value.to_str().to_string(),
                    span: span(s.range),
                }),
                other => {
                    return self.error(other.range(), "an attribute name (a string) was expected")
                }
            }
        }
        Ok(names)
    }

    pub(crate) fn class(&mut self, c: &py::StmtClassDef) -> Lowered<ast::ClassDef> {
        if !c.decorator_list.is_empty() {
            return self.unsupported(c.decorator_list[0].range, "class decorators");
        }
        let mut bases = Vec::new();
        if let Some(args) = &c.arguments {
            if let Some(k) = args.keywords.first() {
                return self.unsupported(k.range, "class keywords");
            }
            for b in args.args.iter() {
                match b {
                    py::Expr::Name(n) => bases.push(Ident {
                        name: n.id.to_string(),
                        span: span(n.range),
                    }),
                    other => {
                        return self.error(other.range(), "a base class must be a plain class name")
                    }
                }
            }
        }
        let mut methods = Vec::new();
        let mut invariants = Vec::new();
        let mut constants = Vec::new();
        for (index, stmt) in c.body.iter().enumerate() {
            match stmt {
                py::Stmt::FunctionDef(f) => methods.push(self.function(f)?),
                py::Stmt::Assign(a)
                    if a.targets.len() == 1 && is_name(&a.targets[0], "kernel_invariants") =>
                {
                    invariants = self.invariant_names(&a.value)?;
                }
                py::Stmt::Assign(a) if a.targets.len() == 1 && a.targets[0].is_name_expr() => {
                    let name = a.targets[0].as_name_expr().map(|n| Ident {
                        name: n.id.to_string(),
                        span: span(n.range),
                    });
                    if let Some(name) = name {
                        let value = self.expr(&a.value)?;
                        constants.push(ast::ConstantDef { name, value });
                    }
                }
                py::Stmt::Pass(_) => {}
                py::Stmt::Expr(e) if index == 0 && e.value.is_string_literal_expr() => {}
                other => {
                    return self.error(
                        other.range(),
                        "only methods, constants and `kernel_invariants` are supported in a kernel class body (assign attributes in `__init__`)",
                    )
                }
            }
        }
        Ok(ast::ClassDef {
            name: ident(&c.name),
            bases,
            methods,
            invariants,
            constants,
            span: span(c.range),
        })
    }

    pub(crate) fn block(&mut self, body: &[py::Stmt]) -> Lowered<Vec<ast::Stmt>> {
        let mut out = Vec::with_capacity(body.len());
        let mut failed = false;
        for s in body {
            match self.stmt(s) {
                Ok(Some(s)) => {
                    out.append(&mut self.lambdas);
                    out.push(s)
                }
                Ok(None) => {}
                Err(()) => failed = true,
            }
        }
        if failed {
            Err(())
        } else {
            Ok(out)
        }
    }

    pub(crate) fn stmt(&mut self, s: &py::Stmt) -> Lowered<Option<ast::Stmt>> {
        let kind = match s {
            py::Stmt::Expr(e) => {
                if e.value.is_string_literal_expr() {
                    return Ok(None); // docstring or bare string
                }
                StmtKind::Expr(self.expr(&e.value)?)
            }
            py::Stmt::Assign(a) if a.targets.len() == 1 && a.value.is_lambda_expr() => {
                if let (Some(name), Some(l)) =
                    (a.targets[0].as_name_expr(), a.value.as_lambda_expr())
                {
                    return self.named_lambda(name, l).map(Some);
                }
                StmtKind::Assign {
                    targets: vec![self.expr(&a.targets[0])?],
                    value: self.expr(&a.value)?,
                }
            }
            py::Stmt::Assign(a) => StmtKind::Assign {
                targets: a
                    .targets
                    .iter()
                    .map(|t| self.expr(t))
                    .collect::<Lowered<_>>()?,
                value: self.expr(&a.value)?,
            },
            py::Stmt::AnnAssign(a) => StmtKind::AnnAssign {
                target: self.expr(&a.target)?,
                annotation: self.expr(&a.annotation)?,
                value: a.value.as_deref().map(|v| self.expr(v)).transpose()?,
            },
            py::Stmt::AugAssign(a) => StmtKind::AugAssign {
                target: self.expr(&a.target)?,
                op: binop(a.op),
                value: self.expr(&a.value)?,
            },
            py::Stmt::Return(r) => {
                StmtKind::Return(r.value.as_deref().map(|v| self.expr(v)).transpose()?)
            }
            py::Stmt::If(i) => {
                let test = self.expr(&i.test)?;
                let body = self.block(&i.body)?;
                // Fold `elif`/`else` clauses into nested ifs, innermost last.
                let mut orelse = Vec::new();
                for clause in i.elif_else_clauses.iter().rev() {
                    let clause_body = self.block(&clause.body)?;
                    orelse = match &clause.test {
                        None => clause_body,
                        Some(t) => vec![ast::Stmt {
                            kind: StmtKind::If {
                                test: self.expr(t)?,
                                body: clause_body,
                                orelse,
                            },
                            span: span(clause.range),
                        }],
                    };
                }
                StmtKind::If { test, body, orelse }
            }
            py::Stmt::While(w) => StmtKind::While {
                test: self.expr(&w.test)?,
                body: self.block(&w.body)?,
                orelse: self.block(&w.orelse)?,
            },
            py::Stmt::For(f) => {
                if f.is_async {
                    return self.unsupported(f.range, "`async for`");
                }
                StmtKind::For {
                    target: self.expr(&f.target)?,
                    iter: self.expr(&f.iter)?,
                    body: self.block(&f.body)?,
                    orelse: self.block(&f.orelse)?,
                }
            }
            py::Stmt::Break(_) => StmtKind::Break,
            py::Stmt::Continue(_) => StmtKind::Continue,
            py::Stmt::Pass(_) => StmtKind::Pass,
            py::Stmt::Raise(r) => {
                if let Some(c) = &r.cause {
                    return self.unsupported(c.range(), "`raise ... from ...`");
                }
                StmtKind::Raise(r.exc.as_deref().map(|e| self.expr(e)).transpose()?)
            }
            py::Stmt::Try(t) => {
                if t.is_star {
                    return self.unsupported(t.range, "`except*`");
                }
                let mut handlers = Vec::new();
                for h in &t.handlers {
                    let py::ExceptHandler::ExceptHandler(h) = h;
                    let classes = match h.type_.as_deref() {
                        None => None,
                        Some(py::Expr::Tuple(tuple)) => Some(
                            tuple
                                .elts
                                .iter()
                                .map(|e| self.expr(e))
                                .collect::<Lowered<Vec<_>>>()?,
                        ),
                        Some(e) => Some(vec![self.expr(e)?]),
                    };
                    handlers.push(ast::Handler {
                        classes,
                        name: h.name.as_ref().map(ident),
                        body: self.block(&h.body)?,
                        span: span(h.range),
                    });
                }
                StmtKind::Try {
                    body: self.block(&t.body)?,
                    handlers,
                    orelse: self.block(&t.orelse)?,
                    finalbody: self.block(&t.finalbody)?,
                }
            }
            py::Stmt::Assert(a) => StmtKind::Assert {
                test: self.expr(&a.test)?,
                msg: a.msg.as_deref().map(|m| self.expr(m)).transpose()?,
            },
            py::Stmt::FunctionDef(f) => StmtKind::FunctionDef(Box::new(self.function(f)?)),
            py::Stmt::With(w) => self.with_statement(w)?,
            py::Stmt::ClassDef(c) => {
                return self.error(c.range, "classes must be defined at module level")
            }
            py::Stmt::Delete(d) => return self.unsupported(d.range, "`del`"),
            py::Stmt::TypeAlias(t) => return self.unsupported(t.range, "`type` aliases"),
            py::Stmt::Match(m) => return self.unsupported(m.range, "`match`"),
            py::Stmt::Import(i) => {
                return self.error(i.range, "imports are only allowed at module level")
            }
            py::Stmt::ImportFrom(i) => {
                return self.error(i.range, "imports are only allowed at module level")
            }
            py::Stmt::Global(g) => return self.unsupported(g.range, "`global`"),
            py::Stmt::Nonlocal(n) => return self.unsupported(n.range, "`nonlocal`"),
            py::Stmt::IpyEscapeCommand(c) => {
                return self.unsupported(c.range, "IPython escape commands")
            }
        };
        Ok(Some(ast::Stmt {
            kind,
            span: span(s.range()),
        }))
    }

    pub(crate) fn new_expr(&mut self, kind: ExprKind, range: TextRange) -> ast::Expr {
        let id = ExprId(self.next_expr);
        self.next_expr += 1;
        ast::Expr {
            id,
            kind,
            span: span(range),
        }
    }

    fn boxed(&mut self, e: &py::Expr) -> Lowered<Box<ast::Expr>> {
        Ok(Box::new(self.expr(e)?))
    }

    pub(crate) fn expr(&mut self, e: &py::Expr) -> Lowered<ast::Expr> {
        let kind = match e {
            py::Expr::NumberLiteral(n) => match &n.value {
                py::Number::Int(i) => match i.as_i64() {
                    Some(v) => ExprKind::Int(v),
                    None => return self.error(n.range, "integer literal does not fit in 64 bits"),
                },
                py::Number::Float(f) => ExprKind::Float(*f),
                py::Number::Complex { .. } => return self.unsupported(n.range, "complex numbers"),
            },
            py::Expr::BooleanLiteral(b) => ExprKind::Bool(b.value),
            py::Expr::StringLiteral(s) => ExprKind::Str(s.value.to_str().to_string()),
            py::Expr::NoneLiteral(_) => ExprKind::NoneLit,
            py::Expr::Name(n) => ExprKind::Name(n.id.to_string()),
            py::Expr::Attribute(a) => ExprKind::Attribute {
                value: self.boxed(&a.value)?,
                attr: ident(&a.attr),
            },
            py::Expr::Call(c) if is_name(&c.func, "list") && c.arguments.keywords.is_empty() => {
                return self.list_call(c);
            }
            py::Expr::Call(c) => {
                let mut args = Vec::new();
                for a in c.arguments.args.iter() {
                    if let py::Expr::Starred(s) = a {
                        return self.unsupported(s.range, "`*` unpacking in calls");
                    }
                    args.push(self.expr(a)?);
                }
                let mut keywords = Vec::new();
                for k in c.arguments.keywords.iter() {
                    let Some(name) = &k.arg else {
                        return self.unsupported(k.range, "`**` unpacking in calls");
                    };
                    keywords.push(ast::Keyword {
                        name: ident(name),
                        value: self.expr(&k.value)?,
                    });
                }
                ExprKind::Call {
                    func: self.boxed(&c.func)?,
                    args,
                    keywords,
                }
            }
            py::Expr::BinOp(b) => ExprKind::BinOp {
                op: binop(b.op),
                left: self.boxed(&b.left)?,
                right: self.boxed(&b.right)?,
            },
            // `-9223372036854775808`: the one literal that fits only with its sign.
            py::Expr::UnaryOp(u) if u.op == py::UnaryOp::USub && is_int64_min(&u.operand) => {
                ExprKind::Int(i64::MIN)
            }
            py::Expr::UnaryOp(u) => ExprKind::UnaryOp {
                op: match u.op {
                    py::UnaryOp::Not => ast::UnaryOp::Not,
                    py::UnaryOp::USub => ast::UnaryOp::Neg,
                    py::UnaryOp::UAdd => ast::UnaryOp::Pos,
                    py::UnaryOp::Invert => ast::UnaryOp::Invert,
                },
                operand: self.boxed(&u.operand)?,
            },
            py::Expr::BoolOp(b) => ExprKind::BoolOp {
                op: match b.op {
                    py::BoolOp::And => ast::BoolOp::And,
                    py::BoolOp::Or => ast::BoolOp::Or,
                },
                values: b
                    .values
                    .iter()
                    .map(|v| self.expr(v))
                    .collect::<Lowered<_>>()?,
            },
            py::Expr::Compare(c) => ExprKind::Compare {
                left: self.boxed(&c.left)?,
                ops: c.ops.iter().map(|op| cmp_op(*op)).collect(),
                comparators: c
                    .comparators
                    .iter()
                    .map(|v| self.expr(v))
                    .collect::<Lowered<_>>()?,
            },
            py::Expr::If(i) => ExprKind::IfExp {
                test: self.boxed(&i.test)?,
                body: self.boxed(&i.body)?,
                orelse: self.boxed(&i.orelse)?,
            },
            py::Expr::List(l) => ExprKind::List(
                l.elts
                    .iter()
                    .map(|v| self.expr(v))
                    .collect::<Lowered<_>>()?,
            ),
            py::Expr::Tuple(t) => ExprKind::Tuple(
                t.elts
                    .iter()
                    .map(|v| self.expr(v))
                    .collect::<Lowered<_>>()?,
            ),
            py::Expr::Subscript(s) => {
                if let py::Expr::Slice(sl) = &*s.slice {
                    let mut bound = |b: &Option<Box<py::Expr>>| -> Lowered<Option<Box<ast::Expr>>> {
                        b.as_deref().map(|e| self.boxed(e)).transpose()
                    };
                    let (lower, upper, step) =
                        (bound(&sl.lower)?, bound(&sl.upper)?, bound(&sl.step)?);
                    ExprKind::Slice {
                        value: self.boxed(&s.value)?,
                        lower,
                        upper,
                        step,
                    }
                } else {
                    ExprKind::Subscript {
                        value: self.boxed(&s.value)?,
                        index: self.boxed(&s.slice)?,
                    }
                }
            }
            py::Expr::FString(f) => ExprKind::FString(self.fstring(f)?),
            py::Expr::ListComp(c) => {
                if c.generators.len() != 1 || c.generators[0].is_async {
                    return self
                        .unsupported(c.range, "a list comprehension with several `for` clauses");
                }
                let g = &c.generators[0];
                ExprKind::ListComp {
                    elt: self.boxed(&c.elt)?,
                    target: Box::new(self.expr(&g.target)?),
                    iter: Box::new(self.expr(&g.iter)?),
                    conds: g.ifs.iter().map(|v| self.expr(v)).collect::<Lowered<_>>()?,
                }
            }
            py::Expr::Yield(y) => return self.unsupported(y.range, "`yield`"),
            py::Expr::YieldFrom(y) => return self.unsupported(y.range, "`yield from`"),
            py::Expr::Await(a) => return self.unsupported(a.range, "`await`"),
            py::Expr::Lambda(l) => return self.lambda(l),
            py::Expr::Dict(d) => return self.unsupported(d.range, "dictionaries"),
            py::Expr::DictComp(d) => return self.unsupported(d.range, "dictionaries"),
            py::Expr::Set(s) => return self.unsupported(s.range, "sets"),
            py::Expr::SetComp(s) => return self.unsupported(s.range, "sets"),
            py::Expr::Generator(g) => return self.unsupported(g.range, "generator expressions"),
            py::Expr::Named(n) => return self.unsupported(n.range, "the walrus operator `:=`"),
            py::Expr::BytesLiteral(b) => ExprKind::Bytes(b.value.bytes().collect()),
            py::Expr::TString(t) => return self.unsupported(t.range, "template strings"),
            py::Expr::EllipsisLiteral(el) => return self.unsupported(el.range, "`...`"),
            py::Expr::Starred(s) => return self.unsupported(s.range, "`*` unpacking"),
            py::Expr::Slice(s) => return self.unsupported(s.range, "slicing"),
            py::Expr::IpyEscapeCommand(c) => {
                return self.unsupported(c.range, "IPython escape commands")
            }
        };
        Ok(self.new_expr(kind, e.range()))
    }

    fn fstring(&mut self, f: &py::ExprFString) -> Lowered<Vec<ast::FStringPart>> {
        let mut parts = Vec::new();
        for part in f.value.iter() {
            match part {
                py::FStringPart::Literal(l) => {
                    parts.push(ast::FStringPart::Literal(l.value.to_string()))
                }
                py::FStringPart::FString(fs) => {
                    for element in fs.elements.iter() {
                        match element {
                            py::InterpolatedStringElement::Literal(l) => {
                                parts.push(ast::FStringPart::Literal(l.value.to_string()))
                            }
                            py::InterpolatedStringElement::Interpolation(i) => {
                                if let Some(spec) = &i.format_spec {
                                    return self.unsupported(
                                        spec.range,
                                        "format specifications in f-strings",
                                    );
                                }
                                if i.debug_text.is_some()
                                    || i.conversion != py::ConversionFlag::None
                                {
                                    return self
                                        .unsupported(i.range, "f-string conversions (`!r`, `=`)");
                                }
                                parts.push(ast::FStringPart::Value(self.expr(&i.expression)?));
                            }
                        }
                    }
                }
            }
        }
        Ok(parts)
    }
}

fn cmp_op(op: py::CmpOp) -> ast::CmpOp {
    match op {
        py::CmpOp::Eq => ast::CmpOp::Eq,
        py::CmpOp::NotEq => ast::CmpOp::NotEq,
        py::CmpOp::Lt => ast::CmpOp::Lt,
        py::CmpOp::LtE => ast::CmpOp::LtE,
        py::CmpOp::Gt => ast::CmpOp::Gt,
        py::CmpOp::GtE => ast::CmpOp::GtE,
        py::CmpOp::Is => ast::CmpOp::Is,
        py::CmpOp::IsNot => ast::CmpOp::IsNot,
        py::CmpOp::In => ast::CmpOp::In,
        py::CmpOp::NotIn => ast::CmpOp::NotIn,
    }
}

/// The kernel language's binary operator for a Python one.
fn binop(op: py::Operator) -> ast::BinOp {
    match op {
        py::Operator::Add => ast::BinOp::Add,
        py::Operator::Sub => ast::BinOp::Sub,
        py::Operator::Mult => ast::BinOp::Mult,
        py::Operator::Div => ast::BinOp::Div,
        py::Operator::FloorDiv => ast::BinOp::FloorDiv,
        py::Operator::Mod => ast::BinOp::Mod,
        py::Operator::Pow => ast::BinOp::Pow,
        py::Operator::LShift => ast::BinOp::LShift,
        py::Operator::RShift => ast::BinOp::RShift,
        py::Operator::BitAnd => ast::BinOp::BitAnd,
        py::Operator::BitOr => ast::BinOp::BitOr,
        py::Operator::BitXor => ast::BinOp::BitXor,
        py::Operator::MatMult => ast::BinOp::MatMult,
    }
}

#[cfg(test)]
#[path = "lower_tests.rs"]
mod tests;

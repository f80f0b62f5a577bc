//! Statements: assignments and places, control flow, loops, exception handlers.

use super::*;

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    /// A `print`-like statement of builtin `b` (see `Builtin::prints`). `rtio_log` separates its
    /// values with ASCII's record separator and ends with its group separator, as ARTIQ's, whose
    /// analyzer tools split on them.
    fn print(&mut self, b: Builtin, args: &[ast::Expr], keywords: &[ast::Keyword]) -> Stmt {
        let args = args.iter().map(|a| self.expr(a)).collect();
        let text = |s: &str| Some(expr(ExprKind::Str(s.into()), Type::Str));
        let mut keyword = |name: &str| {
            keywords
                .iter()
                .find(|k| k.name.name == name)
                .map(|k| self.expr(&k.value))
        };
        let (sep, end, to) = match b {
            Builtin::RtioLog => (text("\x1e"), text("\x1d"), PrintTo::RtioLog),
            Builtin::CoreLog => (keyword("sep"), keyword("end"), PrintTo::CoreLog),
            _ => (keyword("sep"), keyword("end"), PrintTo::Stdout),
        };
        Stmt::Print { args, sep, end, to }
    }

    pub(super) fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
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
                    if let Some(Resolution::Builtin(b)) = self.resolution(func) {
                        if b.prints() {
                            let b = *b;
                            out.push(self.print(b, args, keywords));
                            return;
                        }
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
                // `@=` makes a new array (its shape may differ), assigned as any other value.
                if matches!(current.ty, Type::Array(..)) && *op != BinOp::MatMult {
                    out.push(self.array_in_place(current, *op, rhs, s.span));
                    return;
                }
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
                if self.mu_per_second(s.span).is_none() {
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

    pub(super) fn handler(&mut self, h: &ast::Handler) -> Handler {
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

    pub(super) fn for_loop(
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
            Type::Array(t, 1) => (**t).clone(),
            Type::Array(t, n) => Type::Array(t.clone(), n - 1),
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
            Type::Array(..) => self.array_loop(it, var, body, orelse),
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

    pub(super) fn place(&mut self, target: &ast::Expr) -> Place {
        match &target.kind {
            A::Name(_) => match self.resolution(target) {
                Some(Resolution::Local(l)) => Place::Local(LocalId(l.0)),
                _ => {
                    self.unchecked(target.span, "cannot assign to this name");
                    Place::Unpack {
                        places: vec![],
                        line: Line(0),
                    }
                }
            },
            A::Tuple(items) | A::List(items) => Place::Unpack {
                places: items.iter().map(|i| self.place(i)).collect(),
                line: self.line(target.span),
            },
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
                    self.unchecked(target.span, "cannot assign to this attribute");
                    Place::Unpack {
                        places: vec![],
                        line: Line(0),
                    }
                }
            },
            A::Slice {
                value,
                lower,
                upper,
                step,
            } => Place::Slice {
                list: self.expr(value),
                bounds: self.slice_bounds([lower, upper, step]),
                line: self.line(target.span),
            },
            A::Subscript { value, index } => {
                let list = self.expr(value);
                if matches!(list.ty, Type::Array(..)) {
                    return Place::ArrayIndex {
                        array: list,
                        indices: self.array_indices(index),
                        line: self.line(target.span),
                    };
                }
                let index = self.expr(index);
                let index = self.index_operand(index);
                Place::Index {
                    list,
                    index,
                    line: self.line(target.span),
                }
            }
            _ => {
                self.unchecked(target.span, "cannot assign to this expression");
                Place::Unpack {
                    places: vec![],
                    line: Line(0),
                }
            }
        }
    }

    // ----- expressions --------------------------------------------------------------------------
}

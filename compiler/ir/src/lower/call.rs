//! Calls: argument order with defaults and keywords, captured variables, methods, RPCs.

use super::*;

impl<'s, 'a, 'm> FnLower<'s, 'a, 'm> {
    pub(super) fn call_arguments(
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
                None => self.unchecked(call.span, "this nested function uses variables of its enclosing function that the caller cannot reach"),
            }
        }
        out
    }

    /// A call of a host function: the arguments (not the receiver: the host knows the object) are
    /// sent, and must be values the host can receive.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn rpc_call(
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
            // A host method: the host finds the object by the id the embedding gave it.
            let object = call_args.remove(0);
            call_args.insert(0, self.host_object_id(object, e.span));
        }
        for (a, value) in call_args.iter().zip(args.iter()) {
            if !a.ty.is_sendable() {
                let shown = self.shared.type_name(&self.facts_ty(value));
                self.unchecked(
                    value.span,
                    format!("a value of type `{shown}` cannot be passed to a host function (RPC)"),
                );
            }
        }
        if !ty.is_sendable() {
            let shown = self.shared.type_name(&self.facts_ty(e));
            self.unchecked(
                e.span,
                format!("a host function (RPC) cannot return a value of type `{shown}`"),
            );
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

    pub(super) fn call(
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
                    let message = self.exception_message(args, line);
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
}

impl FnLower<'_, '_, '_> {
    /// The `__strobe_id` field of a kernel object whose class has host methods.
    fn host_object_id(&mut self, object: Expr, span: strobe_syntax::Span) -> Expr {
        let found =
            self.shared.class_index.iter().find_map(|(id, index)| {
                (object.ty == Type::Object(*index)).then_some((*id, *index))
            });
        let field = found.and_then(|(id, index)| {
            let class = &self.shared.program.classes[id.0 as usize];
            Some((index, class.field_index(strobe_types::HOST_OBJECT_ID)?))
        });
        match field {
            Some((class, i)) => expr(
                ExprKind::Field {
                    object: boxed(object),
                    class,
                    index: i as u32,
                },
                Type::Int32,
            ),
            None => self.invalid(span, "a host method called on an object without a host id"),
        }
    }
}

impl FnLower<'_, '_, '_> {
    /// An exception's message: with parameters (`ValueError("at {0} mu", t)`, as ARTIQ's), the
    /// literal's `{0}`..`{2}` replaced by them; other braces are left as written.
    fn exception_message(&mut self, args: &[ast::Expr], line: Line) -> Option<Expr> {
        let (message, params) = args.split_first()?;
        let A::Str(text) = &message.kind else {
            return Some(self.expr(message));
        };
        if params.is_empty() {
            return Some(self.expr(message));
        }
        // Each parameter once, in order, whether the text names it or not.
        let mut evaluated = Vec::new();
        let mut values = Vec::new();
        for p in params {
            let v = self.expr(p);
            let t = self.temp(v.ty.clone());
            evaluated.push(Stmt::Assign(Place::Local(t), v));
            values.push(self.local(t));
        }
        let mut parts = Vec::new();
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let index = rest[open + 1..]
                .find('}')
                .and_then(|close| rest[open + 1..open + 1 + close].parse::<usize>().ok())
                .filter(|&i| i < values.len());
            let Some(i) = index else {
                parts.push(expr(ExprKind::Str(rest[..=open].to_string()), Type::Str));
                rest = &rest[open + 1..];
                continue;
            };
            parts.push(expr(ExprKind::Str(rest[..open].to_string()), Type::Str));
            let value = values[i].clone();
            parts.push(expr(
                ExprKind::ToStr {
                    value: boxed(value),
                    line,
                },
                Type::Str,
            ));
            rest = &rest[open + 2 + i.to_string().len()..];
        }
        parts.push(expr(ExprKind::Str(rest.to_string()), Type::Str));
        let text = expr(ExprKind::StrConcat { parts, line }, Type::Str);
        Some(expr(ExprKind::Block(evaluated, boxed(text)), Type::Str))
    }
}

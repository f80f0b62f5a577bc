//! Statements: assignment, structured control flow, loops, `try`/`except`/`finally`, raise, assert.

use crate::emit::{Gen, Scope, R};
use inkwell::values::{BasicValueEnum, PointerValue};
use inkwell::IntPredicate;
use strobe_abi::ExceptionId;
use strobe_ir::{Expr, Handler, Line, LocalId, Place, PrintTo, Stmt, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn stmt(&mut self, s: &'ir Stmt) -> R<()> {
        match s {
            Stmt::Line(line) => self.set_line(*line),
            Stmt::Expr(e) => {
                self.expr(e)?;
            }
            Stmt::Assign(place, value) => {
                let v = self.expr(value)?;
                self.store_place(place, v, &value.ty)?;
            }
            Stmt::If { cond, then, orelse } => {
                let c = self.expr(cond)?.into_int_value();
                let (then_bb, else_bb, done) = (
                    self.new_block("if.then"),
                    self.new_block("if.else"),
                    self.new_block("if.end"),
                );
                self.builder.build_conditional_branch(c, then_bb, else_bb)?;
                self.builder.position_at_end(then_bb);
                self.block(then)?;
                self.branch_if_open(done)?;
                self.builder.position_at_end(else_bb);
                self.block(orelse)?;
                self.branch_if_open(done)?;
                self.builder.position_at_end(done);
            }
            Stmt::While { cond, body, orelse } => {
                let (head, body_bb, else_bb, done) = (
                    self.new_block("while.head"),
                    self.new_block("while.body"),
                    self.new_block("while.else"),
                    self.new_block("while.end"),
                );
                self.builder.build_unconditional_branch(head)?;
                self.builder.position_at_end(head);
                let c = self.expr(cond)?.into_int_value();
                self.builder.build_conditional_branch(c, body_bb, else_bb)?;
                self.builder.position_at_end(body_bb);
                self.scopes.push(Scope::Loop {
                    brk: done,
                    cont: head,
                });
                self.block(body)?;
                self.scopes.pop();
                self.branch_if_open(head)?;
                self.builder.position_at_end(else_bb);
                self.block(orelse)?;
                self.branch_if_open(done)?;
                self.builder.position_at_end(done);
            }
            Stmt::ForRange {
                var,
                range,
                body,
                orelse,
            } => self.for_range(*var, range, body, orelse)?,
            Stmt::ForList {
                var,
                index,
                list,
                body,
                orelse,
            } => self.for_list(*var, *index, list, body, orelse)?,
            Stmt::Break | Stmt::Continue => {
                let depth = self
                    .scopes
                    .iter()
                    .rposition(|s| matches!(s, Scope::Loop { .. }))
                    .unwrap_or(0);
                let target = match self.scopes.get(depth) {
                    Some(Scope::Loop { brk, cont }) => {
                        if matches!(s, Stmt::Break) {
                            *brk
                        } else {
                            *cont
                        }
                    }
                    _ => return Ok(()),
                };
                self.run_finally_blocks(depth)?;
                self.builder.build_unconditional_branch(target)?;
                self.start_dead_block();
            }
            Stmt::Return(value) => {
                let f = self.func.expect("in a function");
                let v = match value {
                    Some(v) => self.expr(v)?,
                    None => self.ll(&f.ret).const_zero(),
                };
                if self.scopes.iter().any(|s| matches!(s, Scope::Finally(_))) {
                    let slot = self.entry_alloca(v.get_type(), "ret")?;
                    self.builder.build_store(slot, v)?;
                    self.run_finally_blocks(0)?;
                    let v = self.builder.build_load(v.get_type(), slot, "ret")?;
                    self.return_value(v, false)?;
                } else {
                    self.return_value(v, false)?;
                }
                self.start_dead_block();
            }
            Stmt::Raise { exc, line } => {
                let exc = match exc {
                    Some(e) => self.expr(e)?.into_pointer_value(),
                    None => match self.handling_slot() {
                        Some(slot) => self
                            .builder
                            .build_load(self.ptr_type(), slot, "reraise")?
                            .into_pointer_value(),
                        None => {
                            let msg = self.const_str("No active exception to reraise")?.into();
                            self.new_exception(
                                ExceptionId::RuntimeError as u32,
                                "RuntimeError",
                                Some(msg),
                                *line,
                            )?
                        }
                    },
                };
                self.raise(exc, *line)?;
                self.start_dead_block();
            }
            Stmt::Try {
                body,
                handlers,
                orelse,
                finally,
            } => self.try_stmt(body, handlers, orelse, finally)?,
            Stmt::Print { args, sep, end, to } => {
                match to {
                    PrintTo::Stdout => {}
                    PrintTo::CoreLog => {
                        self.call_runtime("__strobe_core_log_begin", &[])?;
                    }
                    PrintTo::RtioLog => {
                        self.call_runtime("__strobe_rtio_log_begin", &[])?;
                    }
                }
                self.print(args, sep.as_ref(), end.as_ref())?;
                match to {
                    PrintTo::Stdout => {}
                    PrintTo::CoreLog => {
                        self.call_runtime("__strobe_core_log_end", &[])?;
                    }
                    PrintTo::RtioLog => {
                        let now =
                            self.builder
                                .build_load(self.ctx.i64_type(), self.cursor(), "now")?;
                        self.call_runtime("__strobe_rtio_log_end", &[now.into()])?;
                    }
                }
            }
            Stmt::Assert { cond, msg, line } => {
                let c = self.expr(cond)?.into_int_value();
                let (fail, ok) = (self.new_block("assert.fail"), self.new_block("assert.ok"));
                let failed = self.builder.build_not(c, "failed")?;
                self.branch_unlikely(failed, fail, ok)?;
                self.builder.position_at_end(fail);
                let message = match msg {
                    Some(m) => Some(self.expr(m)?),
                    None => None,
                };
                let exc = self.new_exception(
                    ExceptionId::AssertionError as u32,
                    "AssertionError",
                    message,
                    *line,
                )?;
                self.raise(exc, *line)?;
                self.builder.position_at_end(ok);
            }
        }
        Ok(())
    }

    /// Emits the `finally` bodies of every scope above `depth`, innermost first.
    fn run_finally_blocks(&mut self, depth: usize) -> R<()> {
        let mut i = self.scopes.len();
        while i > depth {
            i -= 1;
            if let Scope::Finally(body) = self.scopes[i] {
                let saved = self.scopes.split_off(i);
                self.block(body)?;
                self.scopes.extend(saved);
                if self.terminated() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    pub(crate) fn local_slot(&self, l: LocalId) -> PointerValue<'ctx> {
        self.slots[l.0 as usize]
    }

    pub(crate) fn store_place(
        &mut self,
        place: &'ir Place,
        v: BasicValueEnum<'ctx>,
        ty: &Type,
    ) -> R<()> {
        match place {
            Place::Local(l) => {
                self.builder.build_store(self.local_slot(*l), v)?;
            }
            Place::Field {
                object,
                class,
                index,
            } => {
                let obj = self.expr(object)?.into_pointer_value();
                let st = self.object_type(*class);
                let p = self.builder.build_struct_gep(st, obj, *index, "field")?;
                self.builder.build_store(p, v)?;
            }
            Place::Index { list, index, line } => {
                let l = self.expr(list)?.into_pointer_value();
                let i = self.expr(index)?.into_int_value();
                if list.ty == Type::ByteArray {
                    return self.store_byte(l, i, v.into_int_value(), *line);
                }
                let p = self.element_ptr(l, i, ty, *line, "list assignment index out of range")?;
                self.builder.build_store(p, v)?;
            }
            Place::ArrayIndex {
                array,
                indices,
                line,
            } => self.store_array_element(array, indices, v, *line)?,
            Place::Slice { list, bounds, line } => {
                if let Type::List(elem) = ty {
                    self.assign_slice(list, bounds, v, elem, *line)?;
                }
            }
            Place::Unpack { places, line } => {
                if let Type::List(item) = ty {
                    return self.unpack_list(places, item, v.into_pointer_value(), *line);
                }
                let Type::Tuple(items) = ty else {
                    return Ok(());
                };
                for (i, (p, t)) in places.iter().zip(items.iter()).enumerate() {
                    let item = self.builder.build_extract_value(
                        v.into_struct_value(),
                        i as u32,
                        "unpack",
                    )?;
                    self.store_place(p, item, t)?;
                }
            }
        }
        Ok(())
    }

    fn for_range(
        &mut self,
        var: LocalId,
        range: &'ir Expr,
        body: &'ir [Stmt],
        orelse: &'ir [Stmt],
    ) -> R<()> {
        let r = self.expr(range)?.into_struct_value();
        let start = self
            .builder
            .build_extract_value(r, 0, "start")?
            .into_int_value();
        let stop = self
            .builder
            .build_extract_value(r, 1, "stop")?
            .into_int_value();
        let step = self
            .builder
            .build_extract_value(r, 2, "step")?
            .into_int_value();
        let counter = self.entry_alloca(start.get_type(), "i")?;
        self.builder.build_store(counter, start)?;
        let (head, body_bb, latch, else_bb, done) = (
            self.new_block("for.head"),
            self.new_block("for.body"),
            self.new_block("for.latch"),
            self.new_block("for.else"),
            self.new_block("for.end"),
        );
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(head);
        let i = self
            .builder
            .build_load(start.get_type(), counter, "i")?
            .into_int_value();
        let up = self
            .builder
            .build_int_compare(IntPredicate::SLT, i, stop, "up")?;
        let down = self
            .builder
            .build_int_compare(IntPredicate::SGT, i, stop, "down")?;
        let positive = self.builder.build_int_compare(
            IntPredicate::SGT,
            step,
            step.get_type().const_zero(),
            "pos",
        )?;
        let go = self
            .builder
            .build_select(positive, up, down, "go")?
            .into_int_value();
        self.builder
            .build_conditional_branch(go, body_bb, else_bb)?;
        self.builder.position_at_end(body_bb);
        self.builder.build_store(self.local_slot(var), i)?;
        self.scopes.push(Scope::Loop {
            brk: done,
            cont: latch,
        });
        self.block(body)?;
        self.scopes.pop();
        self.branch_if_open(latch)?;
        self.builder.position_at_end(latch);
        let i = self
            .builder
            .build_load(start.get_type(), counter, "i")?
            .into_int_value();
        let next = self.builder.build_int_add(i, step, "next")?;
        self.builder.build_store(counter, next)?;
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(else_bb);
        self.block(orelse)?;
        self.branch_if_open(done)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    fn for_list(
        &mut self,
        var: LocalId,
        index: Option<LocalId>,
        list: &'ir Expr,
        body: &'ir [Stmt],
        orelse: &'ir [Stmt],
    ) -> R<()> {
        let Some(elem) = list.ty.items() else {
            return Ok(());
        };
        let l = self.expr(list)?.into_pointer_value();
        let i32t = self.ctx.i32_type();
        let counter = self.entry_alloca(i32t, "idx")?;
        self.builder.build_store(counter, i32t.const_zero())?;
        let (head, body_bb, latch, else_bb, done) = (
            self.new_block("for.head"),
            self.new_block("for.body"),
            self.new_block("for.latch"),
            self.new_block("for.else"),
            self.new_block("for.end"),
        );
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(head);
        let i = self
            .builder
            .build_load(i32t, counter, "idx")?
            .into_int_value();
        let len = self.list_len(l)?;
        let go = self
            .builder
            .build_int_compare(IntPredicate::SLT, i, len, "go")?;
        self.builder
            .build_conditional_branch(go, body_bb, else_bb)?;
        self.builder.position_at_end(body_bb);
        let item = self.load_element(l, i, elem)?;
        self.builder.build_store(self.local_slot(var), item)?;
        if let Some(index) = index {
            self.builder.build_store(self.local_slot(index), i)?;
        }
        self.scopes.push(Scope::Loop {
            brk: done,
            cont: latch,
        });
        self.block(body)?;
        self.scopes.pop();
        self.branch_if_open(latch)?;
        self.builder.position_at_end(latch);
        let i = self
            .builder
            .build_load(i32t, counter, "idx")?
            .into_int_value();
        let next = self
            .builder
            .build_int_add(i, i32t.const_int(1, false), "next")?;
        self.builder.build_store(counter, next)?;
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(else_bb);
        self.block(orelse)?;
        self.branch_if_open(done)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    fn try_stmt(
        &mut self,
        body: &'ir [Stmt],
        handlers: &'ir [Handler],
        orelse: &'ir [Stmt],
        finally: &'ir [Stmt],
    ) -> R<()> {
        let after = self.new_block("try.end");
        let normal_exit = self.new_block("try.finally");
        let has_finally = !finally.is_empty();
        let finally_exc = self.new_block("try.finally.exc");
        let dispatch = self.new_block("try.dispatch");
        let base = self.scopes.len();
        if has_finally {
            self.scopes.push(Scope::Finally(finally));
            self.scopes.push(Scope::Unwind(finally_exc));
        }
        self.scopes.push(Scope::Unwind(dispatch));
        self.block(body)?;
        self.scopes.pop();
        self.block(orelse)?;
        self.branch_if_open(normal_exit)?;

        // Dispatch: the first handler whose classes match takes the exception.
        self.builder.position_at_end(dispatch);
        let exc = self.load_pending()?;
        let id_ptr = self.builder.build_struct_gep(
            self.exception_type(),
            exc,
            strobe_abi::layout::EXCEPTION.index("type_id"),
            "type_id",
        )?;
        let type_id = self
            .builder
            .build_load(self.ctx.i32_type(), id_ptr, "type_id")?
            .into_int_value();
        for h in handlers {
            let matches = if h.catch_all {
                self.ctx.bool_type().const_int(1, false)
            } else {
                let mut m = self.ctx.bool_type().const_zero();
                for id in &h.catches {
                    let eq = self.builder.build_int_compare(
                        IntPredicate::EQ,
                        type_id,
                        self.ctx.i32_type().const_int(*id as u64, false),
                        "is",
                    )?;
                    m = self.builder.build_or(m, eq, "match")?;
                }
                m
            };
            let (take, next) = (self.new_block("except"), self.new_block("except.next"));
            self.builder.build_conditional_branch(matches, take, next)?;
            self.builder.position_at_end(take);
            let held = self.entry_alloca(self.ptr_type(), "handled")?;
            self.builder.build_store(held, exc)?;
            // Caught inside another handler: raised while that one's exception was handled.
            let outer = self.handled_exception()?;
            self.call_runtime("__strobe_exception_catch", &[outer.into()])?;
            if let Some(bind) = h.bind {
                self.builder.build_store(self.local_slot(bind), exc)?;
            }
            // An exception leaving the handler was raised while this one was handled.
            let (leave, onward) = (self.new_block("except.leave"), self.unwind_target());
            self.scopes.push(Scope::Handling(held));
            self.scopes.push(Scope::Unwind(leave));
            self.block(&h.body)?;
            self.scopes.truncate(self.scopes.len() - 2);
            self.branch_if_open(normal_exit)?;
            self.builder.position_at_end(leave);
            let handled = self.builder.build_load(self.ptr_type(), held, "handled")?;
            self.call_runtime("__strobe_exception_context", &[handled.into()])?;
            self.builder.build_unconditional_branch(onward)?;
            self.builder.position_at_end(next);
        }
        // No handler matched: the exception keeps propagating (through `finally` if any).
        self.builder.build_unconditional_branch(if has_finally {
            finally_exc
        } else {
            self.unwind_target_outside(base)
        })?;
        self.scopes.truncate(base);

        self.builder.position_at_end(normal_exit);
        self.block(finally)?;
        self.branch_if_open(after)?;

        self.builder.position_at_end(finally_exc);
        if has_finally {
            // Park the exception while `finally` runs; a new exception inside it replaces this one.
            let parked = self.load_pending()?;
            self.store_pending(self.ptr_type().const_null())?;
            self.block(finally)?;
            if !self.terminated() {
                self.store_pending(parked)?;
                self.builder
                    .build_unconditional_branch(self.unwind_target())?;
            }
        } else {
            self.builder.build_unreachable()?;
        }
        self.builder.position_at_end(after);
        Ok(())
    }

    /// Where the exception of the innermost `except` block being run is kept, if in one.
    fn handling_slot(&self) -> Option<inkwell::values::PointerValue<'ctx>> {
        self.scopes.iter().rev().find_map(|s| match s {
            Scope::Handling(slot) => Some(*slot),
            _ => None,
        })
    }

    /// The exception being handled here (null outside `except` blocks).
    fn handled_exception(&self) -> R<inkwell::values::PointerValue<'ctx>> {
        Ok(match self.handling_slot() {
            Some(slot) => self
                .builder
                .build_load(self.ptr_type(), slot, "handling")?
                .into_pointer_value(),
            None => self.ptr_type().const_null(),
        })
    }

    /// Pointer to element `i` (Python indexing: negative counts from the end) or an IndexError.
    pub(crate) fn element_ptr(
        &mut self,
        list: PointerValue<'ctx>,
        i: inkwell::values::IntValue<'ctx>,
        elem: &Type,
        line: Line,
        message: &str,
    ) -> R<PointerValue<'ctx>> {
        let len = self.list_len(list)?;
        let index = self.position(i, len, message, line)?;
        self.data_ptr(list, index, elem)
    }

    /// Index `i` (of any integer width: an int64 is never truncated) as a position among `len`
    /// items, negative ones counting from the end; IndexError `message` when outside.
    pub(crate) fn position(
        &self,
        i: inkwell::values::IntValue<'ctx>,
        len: inkwell::values::IntValue<'ctx>,
        message: &str,
        line: Line,
    ) -> R<inkwell::values::IntValue<'ctx>> {
        let b = &self.builder;
        let wide = i.get_type().get_bit_width() > len.get_type().get_bit_width();
        let n = if wide {
            b.build_int_z_extend(len, i.get_type(), "len")?
        } else {
            len
        };
        let negative =
            b.build_int_compare(IntPredicate::SLT, i, i.get_type().const_zero(), "neg")?;
        let wrapped = b.build_int_add(i, n, "wrapped")?;
        let index = b
            .build_select(negative, wrapped, i, "index")?
            .into_int_value();
        let out = b.build_int_compare(IntPredicate::UGE, index, n, "oob")?;
        self.raise_if(out, ExceptionId::IndexError, message, line)?;
        Ok(if wide {
            self.builder
                .build_int_truncate(index, len.get_type(), "index")?
        } else {
            index
        })
    }
}

//! Exceptions in generated code: a kernel function returns whether it raised beside its value
//! (its callers branch on that flag); after a runtime call that may raise, code tests the runtime's
//! pending-exception slot. A raise records its line in the traceback and goes to the innermost
//! handler, or out of the function. These are the rare paths: LLVM is told so.

use crate::emit::{Gen, Layout, Scope, R};
use crate::CodegenError;
use inkwell::basic_block::BasicBlock;
use inkwell::module::Linkage;
use inkwell::types::BasicType;
use inkwell::values::{
    BasicMetadataValueEnum, BasicValueEnum, GlobalValue, IntValue, PointerValue,
};
use strobe_abi::layout::EXCEPTION;
use strobe_abi::ExceptionId;
use strobe_ir::{FuncId, Line};

/// The runtime functions kernels call only to raise or to unwind: declared `cold`, so LLVM treats
/// every path to them as rare.
pub(crate) const ERROR_PATH_RUNTIME: [&str; 3] = [
    "__strobe_raise",
    "__strobe_raise_builtin",
    "__strobe_traceback_push",
];

/// How much likelier the expected way of a [`Gen::branch_expecting`] is than the other.
const EXPECTED_ODDS: u64 = 1 << 20;

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// What a kernel function returns: its value and whether it raised (the exception itself is
    /// the runtime's pending one). The caller branches on the flag, not on a load of the pending
    /// exception: where LLVM inlines the callee, the flag is a constant on each path and the check
    /// folds away.
    pub(crate) fn returned_type(&self, ret: &strobe_ir::Type) -> inkwell::types::StructType<'ctx> {
        self.ctx.struct_type(
            &[self.ll(ret), self.ctx.bool_type().as_basic_type_enum()],
            false,
        )
    }

    /// Returns `value` from the function being defined, `raised` or not.
    pub(crate) fn return_value(&self, value: BasicValueEnum<'ctx>, raised: bool) -> R<()> {
        let f = self.func.expect("inside a function");
        let ty = self.returned_type(&f.ret);
        let returned = self
            .builder
            .build_insert_value(ty.get_undef(), value, 0, "ret")?;
        let returned = self.builder.build_insert_value(
            returned,
            self.ctx.bool_type().const_int(raised as u64, false),
            1,
            "ret",
        )?;
        self.builder.build_return(Some(&returned))?;
        Ok(())
    }

    /// Calls kernel function `id` on this function's timeline cursor: its value, after a raise in
    /// it unwinds from `line` here.
    pub(crate) fn call_kernel_function(
        &self,
        id: FuncId,
        args: &[BasicMetadataValueEnum<'ctx>],
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let mut args = args.to_vec();
        args.push(self.cursor().into());
        let returned = self
            .builder
            .build_call(self.functions[&id], &args, "")?
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| CodegenError::Llvm("a kernel function returned nothing".into()))?
            .into_struct_value();
        let raised = self
            .builder
            .build_extract_value(returned, 1, "raised")?
            .into_int_value();
        self.unwind_if(raised, line)?;
        Ok(self.builder.build_extract_value(returned, 0, "value")?)
    }

    /// Branches to `unlikely` when `cond` holds, else to `likely` (see [`Gen::branch_expecting`]).
    pub(crate) fn branch_unlikely(
        &self,
        cond: IntValue<'ctx>,
        unlikely: BasicBlock<'ctx>,
        likely: BasicBlock<'ctx>,
    ) -> R<()> {
        self.branch_expecting(cond, unlikely, likely, false)
    }

    /// Branches on `cond`, telling LLVM which way it almost always goes (`expect`): its block
    /// placement keeps that path contiguous and falling through, the other out of it (on a core
    /// with a small direct-mapped instruction cache, fewer lines to fetch cold, no taken branch).
    pub(crate) fn branch_expecting(
        &self,
        cond: IntValue<'ctx>,
        if_true: BasicBlock<'ctx>,
        if_false: BasicBlock<'ctx>,
        expect: bool,
    ) -> R<()> {
        let branch = self
            .builder
            .build_conditional_branch(cond, if_true, if_false)?;
        let weight = |w: u64| self.ctx.i32_type().const_int(w, false).into();
        let (true_weight, false_weight) = if expect {
            (EXPECTED_ODDS, 1)
        } else {
            (1, EXPECTED_ODDS)
        };
        let weights = self.ctx.metadata_node(&[
            self.ctx.metadata_string("branch_weights").into(),
            weight(true_weight),
            weight(false_weight),
        ]);
        branch
            .set_metadata(weights, self.ctx.get_kind_id("prof"))
            .map_err(|e| CodegenError::Llvm(e.to_string()))?;
        Ok(())
    }

    fn pending_global(&self) -> GlobalValue<'ctx> {
        self.module
            .get_global(strobe_abi::PENDING_EXCEPTION)
            .unwrap_or_else(|| {
                let g =
                    self.module
                        .add_global(self.ptr_type(), None, strobe_abi::PENDING_EXCEPTION);
                g.set_linkage(Linkage::External);
                g
            })
    }

    pub(crate) fn load_pending(&self) -> R<PointerValue<'ctx>> {
        let g = self.pending_global();
        Ok(self
            .load_runtime_word(self.ptr_type().into(), g.as_pointer_value())?
            .into_pointer_value())
    }

    pub(crate) fn store_pending(&self, value: PointerValue<'ctx>) -> R<()> {
        self.store_runtime_word(
            value.into(),
            self.pending_global().as_pointer_value().into(),
        )
    }

    pub(crate) fn pending_exception(&self) -> R<IntValue<'ctx>> {
        let p = self.load_pending()?;
        Ok(self.builder.build_is_not_null(p, "raised")?)
    }

    /// Where an exception raised here goes: the innermost handler region, or out of the function.
    pub(crate) fn unwind_target(&self) -> BasicBlock<'ctx> {
        self.unwind_target_outside(self.scopes.len())
    }

    /// Where an exception goes from outside the innermost regions `base..`: the innermost handler
    /// region of the others, or out of the function.
    pub(crate) fn unwind_target_outside(&self, base: usize) -> BasicBlock<'ctx> {
        self.scopes[..base]
            .iter()
            .rev()
            .find_map(|s| match s {
                Scope::Unwind(bb) => Some(*bb),
                _ => None,
            })
            .or(self.propagate)
            .expect("inside a function")
    }

    /// After a call that may raise: on a pending exception, record this frame's line and unwind.
    pub(crate) fn check_exception(&self, line: Line) -> R<()> {
        let raised = self.pending_exception()?;
        self.unwind_if(raised, line)
    }

    /// If `raised`, records this frame's line and unwinds.
    fn unwind_if(&self, raised: IntValue<'ctx>, line: Line) -> R<()> {
        let unwind = self.new_block("unwind");
        let cont = self.new_block("ok");
        self.branch_unlikely(raised, unwind, cont)?;
        self.builder.position_at_end(unwind);
        let name = self.func.map(|f| f.name.clone()).unwrap_or_default();
        let loc = self.location(line, &name)?;
        self.call_runtime("__strobe_traceback_push", &[loc.into()])?;
        self.builder
            .build_unconditional_branch(self.unwind_target())?;
        self.builder.position_at_end(cont);
        Ok(())
    }

    /// Raises `exc` (a pointer to an exception object) at `line`.
    pub(crate) fn raise(&self, exc: PointerValue<'ctx>, line: Line) -> R<()> {
        let name = self.func.map(|f| f.name.clone()).unwrap_or_default();
        let loc = self.location(line, &name)?;
        self.call_runtime("__strobe_raise", &[exc.into(), loc.into()])?;
        self.builder
            .build_unconditional_branch(self.unwind_target())?;
        Ok(())
    }

    /// Builds a new exception object.
    pub(crate) fn new_exception(
        &self,
        id: u32,
        name: &str,
        message: Option<BasicValueEnum<'ctx>>,
        line: Line,
    ) -> R<PointerValue<'ctx>> {
        let ty = self.exception_type();
        let obj = self.alloc(ty.size_of_abi(self), ty.align_of_abi(self), line)?;
        self.builder.build_store(
            self.builder
                .build_struct_gep(ty, obj, EXCEPTION.index("type_id"), "")?,
            self.ctx.i32_type().const_int(id as u64, false),
        )?;
        self.builder.build_store(
            self.builder
                .build_struct_gep(ty, obj, EXCEPTION.index("name"), "")?,
            self.const_str(name)?,
        )?;
        let message = match message {
            Some(m) => m,
            None => self.const_str("")?.into(),
        };
        self.builder.build_store(
            self.builder
                .build_struct_gep(ty, obj, EXCEPTION.index("message"), "")?,
            message,
        )?;
        Ok(obj)
    }

    /// Raises a builtin exception with a constant message, e.g. ZeroDivisionError: one runtime call.
    pub(crate) fn raise_builtin(&self, id: ExceptionId, message: &str, line: Line) -> R<()> {
        self.raise_builtin_message(id, self.const_str(message)?.into(), line)
    }

    /// Raises a builtin exception with a message made when the program runs.
    pub(crate) fn raise_builtin_message(
        &self,
        id: ExceptionId,
        message: BasicValueEnum<'ctx>,
        line: Line,
    ) -> R<()> {
        let name = self.func.map(|f| f.name.clone()).unwrap_or_default();
        let loc = self.location(line, &name)?;
        let (p, l) = self.str_parts(message)?;
        let id = self.ctx.i32_type().const_int(id as u64, false);
        self.call_runtime("__strobe_raise_builtin", &[id.into(), p, l, loc.into()])?;
        self.builder
            .build_unconditional_branch(self.unwind_target())?;
        Ok(())
    }

    /// If `cond` holds, raise the builtin exception; continues in the not-raised path. A condition
    /// that is constant false (a constant non-zero divisor) emits nothing.
    pub(crate) fn raise_if(
        &self,
        cond: IntValue<'ctx>,
        id: ExceptionId,
        message: &str,
        line: Line,
    ) -> R<()> {
        if cond.get_zero_extended_constant() == Some(0) {
            return Ok(());
        }
        let fail = self.new_block("check.fail");
        let ok = self.new_block("check.ok");
        self.branch_unlikely(cond, fail, ok)?;
        self.builder.position_at_end(fail);
        self.raise_builtin(id, message, line)?;
        self.builder.position_at_end(ok);
        Ok(())
    }
}

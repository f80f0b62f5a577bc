//! Unit emission: declarations, function bodies, the entry, and the helpers every statement and
//! expression uses (constants, source locations, exception checks and raises).

use crate::parts::UnitPart;
use crate::CodegenError;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::basic_block::BasicBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::debug_info::{
    AsDIScope, DICompileUnit, DIFlags, DIFlagsConstants, DISubprogram, DWARFEmissionKind,
    DWARFSourceLanguage, DebugInfoBuilder,
};
use inkwell::module::{Linkage, Module};
use inkwell::targets::{TargetData, TargetMachine};
use inkwell::types::{BasicMetadataTypeEnum, BasicType, IntType};
use inkwell::values::{
    BasicMetadataValueEnum, BasicValueEnum, FunctionValue, GlobalValue, IntValue, PointerValue,
};
use inkwell::IntPredicate;
use std::cell::RefCell;
use std::collections::HashMap;
use strobe_abi::ExceptionId;
use strobe_ir::{FuncId, Function, Line, LinkUnit, LocalKind, Program, Stmt};

pub(crate) type R<T> = Result<T, CodegenError>;

/// Where control goes on `return`/`break`/`continue`/exceptions inside a region.
pub(crate) enum Scope<'ctx, 'ir> {
    Loop {
        brk: BasicBlock<'ctx>,
        cont: BasicBlock<'ctx>,
    },
    /// Exceptions raised inside go here.
    Unwind(BasicBlock<'ctx>),
    /// Runs when leaving the region by `return`, `break` or `continue`.
    Finally(&'ir [Stmt]),
    /// Inside an `except` body: the exception being handled (for a bare `raise`).
    Handling(PointerValue<'ctx>),
}

pub(crate) struct Gen<'ctx, 'ir> {
    pub ctx: &'ctx Context,
    pub module: Module<'ctx>,
    pub builder: Builder<'ctx>,
    pub target_data: TargetData,
    pub program: &'ir Program,
    pub functions: HashMap<FuncId, FunctionValue<'ctx>>,
    strings: RefCell<HashMap<String, GlobalValue<'ctx>>>,
    // Per-function state.
    pub func: Option<&'ir Function>,
    pub llfn: Option<FunctionValue<'ctx>>,
    pub slots: Vec<PointerValue<'ctx>>,
    pub scopes: Vec<Scope<'ctx, 'ir>>,
    pub propagate: Option<BasicBlock<'ctx>>,
    /// The timeline cursor of the function being defined: its last parameter, a pointer to the
    /// caller's cursor (see [`strobe_abi::NOW`]). Where LLVM inlines the function, the cursor is
    /// the caller's local and lives in registers.
    pub cursor: Option<PointerValue<'ctx>>,
    locations: RefCell<HashMap<(u32, String), GlobalValue<'ctx>>>,
    /// Line-table debug info: enough to map a code address back to file:line.
    debug: DebugInfoBuilder<'ctx>,
    compile_unit: DICompileUnit<'ctx>,
    scope: Option<DISubprogram<'ctx>>,
}

pub(crate) fn emit_unit<'ctx>(
    ctx: &'ctx Context,
    machine: &TargetMachine,
    program: &Program,
    unit: &LinkUnit,
    part: &UnitPart,
) -> R<Module<'ctx>> {
    let module = ctx.create_module(&part.name);
    module.set_triple(&machine.get_triple());
    let target_data = machine.get_target_data();
    module.set_data_layout(&target_data.get_data_layout());
    // No small-data sections: our linker lays out .text/.rodata/.data/.bss only.
    module.add_basic_value_flag(
        "SmallDataLimit",
        inkwell::module::FlagBehavior::Error,
        ctx.i32_type().const_int(0, false),
    );
    module.add_metadata_flag(
        "target-abi",
        inkwell::module::FlagBehavior::Error,
        ctx.metadata_string(crate::Target::Rv32im.abi()),
    );
    module.add_basic_value_flag(
        "Debug Info Version",
        inkwell::module::FlagBehavior::Warning,
        ctx.i32_type().const_int(3, false),
    );
    module.add_basic_value_flag(
        "Dwarf Version",
        inkwell::module::FlagBehavior::Warning,
        ctx.i32_type().const_int(4, false),
    );
    let (debug, compile_unit) = module.create_debug_info_builder(
        true,
        DWARFSourceLanguage::Python,
        &program.file_name,
        ".",
        "strobe",
        true,
        "",
        0,
        "",
        DWARFEmissionKind::LineTablesOnly,
        0,
        false,
        false,
        "",
        "",
    );
    let mut gen = Gen {
        ctx,
        module,
        builder: ctx.create_builder(),
        target_data,
        program,
        functions: HashMap::new(),
        strings: RefCell::default(),
        func: None,
        llfn: None,
        slots: Vec::new(),
        scopes: Vec::new(),
        propagate: None,
        cursor: None,
        locations: RefCell::default(),
        debug,
        compile_unit,
        scope: None,
    };
    // A member moved to its own part is global under its unit-specific symbol: defined in one
    // part, declared in the others.
    for &m in &unit.members {
        if let Some(symbol) = part.moved.get(&m) {
            gen.declare_as(m, symbol, Some(Linkage::External));
        } else if part.defines.contains(&m) {
            let linkage = if m == unit.root && program.function(m).boundary {
                Linkage::External
            } else {
                Linkage::Internal
            };
            gen.declare(m, Some(linkage));
        }
    }
    for &i in &unit.imports {
        gen.declare(i, None);
    }
    for &m in &part.defines {
        gen.define(m)?;
    }
    if part.index == 0 && unit.root == program.entry {
        gen.entry()?;
    }
    gen.debug.finalize();
    Ok(gen.module)
}

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    fn declare(&mut self, id: FuncId, linkage: Option<Linkage>) {
        let program = self.program;
        self.declare_as(id, &program.function(id).symbol, linkage);
    }

    /// Declares kernel function `id`: its parameters, then the timeline cursor (a pointer to the
    /// caller's, which nothing else in the callee points to).
    fn declare_as(&mut self, id: FuncId, symbol: &str, linkage: Option<Linkage>) {
        let f = self.program.function(id);
        let mut params: Vec<BasicMetadataTypeEnum> = f
            .params
            .iter()
            .map(|p| {
                let l = f.local(*p);
                match l.kind {
                    LocalKind::Captured => self.ptr_type().into(),
                    LocalKind::Value => self.ll(&l.ty).into(),
                }
            })
            .collect();
        params.push(self.ptr_type().into());
        let fn_type = self.returned_type(&f.ret).fn_type(&params, false);
        let value = self.module.add_function(symbol, fn_type, linkage);
        let cursor = AttributeLoc::Param(f.params.len() as u32);
        for name in ["noalias", "nocapture"] {
            let kind = Attribute::get_named_enum_kind_id(name);
            value.add_attribute(cursor, self.ctx.create_enum_attribute(kind, 0));
        }
        self.functions.insert(id, value);
    }

    fn define(&mut self, id: FuncId) -> R<()> {
        let f = self.program.function(id);
        let llfn = self.functions[&id];
        self.func = Some(f);
        self.llfn = Some(llfn);
        self.scopes.clear();
        self.attach_subprogram(llfn, &f.name, &f.symbol, f.line, !f.boundary);
        let entry = self.ctx.append_basic_block(llfn, "entry");
        let propagate = self.ctx.append_basic_block(llfn, "propagate");
        self.propagate = Some(propagate);
        self.builder.position_at_end(entry);
        self.cursor = llfn
            .get_nth_param(f.params.len() as u32)
            .map(|p| p.into_pointer_value());
        if f.recursive {
            self.stack_guard(f.line)?;
        }
        self.slots.clear();
        for (i, local) in f.locals.iter().enumerate() {
            let slot = match local.kind {
                LocalKind::Captured => {
                    let index = f.params.iter().position(|p| p.0 as usize == i).unwrap_or(0);
                    llfn.get_nth_param(index as u32)
                        .map(|p| p.into_pointer_value())
                        .unwrap_or(self.ptr_type().const_null())
                }
                LocalKind::Value => {
                    let ty = self.ll(&local.ty);
                    let slot = self.entry_alloca(ty, &local.name)?;
                    self.builder.build_store(slot, ty.const_zero())?;
                    slot
                }
            };
            self.slots.push(slot);
        }
        for (index, p) in f.params.iter().enumerate() {
            if f.local(*p).kind == LocalKind::Value {
                if let Some(v) = llfn.get_nth_param(index as u32) {
                    self.builder.build_store(self.slots[p.0 as usize], v)?;
                }
            }
        }
        self.block(&f.body)?;
        if !self.terminated() {
            let zero = self.ll(&f.ret).const_zero();
            self.return_value(zero, false)?;
        }
        self.builder.position_at_end(propagate);
        let zero = self.ll(&f.ret).const_zero();
        self.return_value(zero, true)?;
        self.cursor = None;
        Ok(())
    }

    /// A recursive function's entry: with the stack pointer below the runtime's limit
    /// (`strobe_abi::STACK_LIMIT`) it raises RecursionError, at its `def` line, instead of running.
    fn stack_guard(&self, line: Line) -> R<()> {
        let name = "llvm.stacksave";
        let declaration = inkwell::intrinsics::Intrinsic::find(name)
            .and_then(|i| i.get_declaration(&self.module, &[self.ptr_type().into()]))
            .ok_or_else(|| CodegenError::Llvm(format!("cannot declare {name}")))?;
        let sp = self
            .builder
            .build_call(declaration, &[], "sp")?
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| CodegenError::Llvm(format!("{name} returned nothing")))?;
        let i32t = self.ctx.i32_type();
        let sp = self
            .builder
            .build_ptr_to_int(sp.into_pointer_value(), i32t, "sp")?;
        let limit = self.builder.build_load(
            i32t,
            self.firmware_global(strobe_abi::STACK_LIMIT, i32t),
            "stack.limit",
        )?;
        let below =
            self.builder
                .build_int_compare(IntPredicate::ULT, sp, limit.into_int_value(), "")?;
        self.raise_if(
            below,
            ExceptionId::RecursionError,
            "maximum recursion depth exceeded",
            line,
        )
    }

    /// Gives `function` debug info (a subprogram at `line`) and makes it the current scope.
    fn attach_subprogram(
        &mut self,
        function: FunctionValue<'ctx>,
        name: &str,
        symbol: &str,
        line: Line,
        local: bool,
    ) {
        // The debug info names the line each piece of code came from (its file and line there), so
        // a unit's object does not depend on where the function sits in the composed program.
        let (origin_file, origin_line) = self.program.origin(line);
        let file = self.debug.create_file(origin_file, ".");
        let signature = self
            .debug
            .create_subroutine_type(file, None, &[], DIFlags::PUBLIC);
        let subprogram = self.debug.create_function(
            self.compile_unit.as_debug_info_scope(),
            name,
            Some(symbol),
            file,
            origin_line,
            signature,
            local,
            true,
            origin_line,
            DIFlags::PUBLIC,
            true,
        );
        function.set_subprogram(subprogram);
        self.scope = Some(subprogram);
        self.set_line(line);
    }

    /// Attributes the code emitted from here on to `line` of the current function.
    pub(crate) fn set_line(&self, line: strobe_ir::Line) {
        if let Some(scope) = self.scope {
            let loc = self.debug.create_debug_location(
                self.ctx,
                self.program.origin(line).1,
                0,
                scope.as_debug_info_scope(),
                None,
            );
            self.builder.set_current_debug_location(loc);
        }
    }

    /// `__strobe_kernel_entry`: runs `main()`; an escaping exception gets the `<module>` frame.
    fn entry(&mut self) -> R<()> {
        let fn_type = self.ctx.void_type().fn_type(&[], false);
        let entry =
            self.module
                .add_function(strobe_abi::KERNEL_ENTRY, fn_type, Some(Linkage::External));
        // Debug info for the entry too: `main()` is inlined into it and keeps its lines only so.
        let line = self
            .program
            .main_call_line
            .unwrap_or(self.program.function(self.program.entry).line);
        self.attach_subprogram(entry, "<module>", strobe_abi::KERNEL_ENTRY, line, false);
        let main = self.functions[&self.program.entry];
        self.llfn = Some(entry);
        let bb = self.ctx.append_basic_block(entry, "entry");
        self.builder.position_at_end(bb);
        // On the core device, the kernel's timeline starts where the firmware's cursor is and
        // ends there; elsewhere there is no timeline and the cursor is a local nothing reads.
        let i64t = self.ctx.i64_type();
        let cursor = self.builder.build_alloca(i64t, "now")?;
        let global = self
            .program
            .timeline
            .then(|| self.firmware_i64(strobe_abi::NOW));
        let start = match global {
            Some(global) => self.builder.build_load(i64t, global, "now")?,
            None => i64t.const_zero().into(),
        };
        self.builder.build_store(cursor, start)?;
        self.builder.build_call(main, &[cursor.into()], "")?;
        if let Some(global) = global {
            let end = self.builder.build_load(i64t, cursor, "now")?;
            self.builder.build_store(global, end)?;
        }
        if let Some(line) = self.program.main_call_line {
            let pending = self.pending_exception()?;
            let failed = self.ctx.append_basic_block(entry, "uncaught");
            let done = self.ctx.append_basic_block(entry, "done");
            self.builder
                .build_conditional_branch(pending, failed, done)?;
            self.builder.position_at_end(failed);
            let loc = self.location(line, "<module>")?;
            self.call_runtime("__strobe_traceback_push", &[loc.into()])?;
            self.builder.build_unconditional_branch(done)?;
            self.builder.position_at_end(done);
        }
        self.builder.build_return(None)?;
        Ok(())
    }

    pub(crate) fn block(&mut self, body: &'ir [Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    /// A stack slot in the entry block, so loops never grow the stack and mem2reg can promote it.
    pub(crate) fn entry_alloca<T: BasicType<'ctx>>(
        &self,
        ty: T,
        name: &str,
    ) -> R<PointerValue<'ctx>> {
        let entry = self
            .llfn
            .and_then(|f| f.get_first_basic_block())
            .expect("inside a function");
        let b = self.ctx.create_builder();
        match entry.get_first_instruction() {
            Some(first) => b.position_before(&first),
            None => b.position_at_end(entry),
        }
        Ok(b.build_alloca(ty, name)?)
    }

    pub(crate) fn terminated(&self) -> bool {
        self.builder
            .get_insert_block()
            .and_then(|b| b.get_terminator())
            .is_some()
    }

    pub(crate) fn new_block(&self, name: &str) -> BasicBlock<'ctx> {
        self.ctx
            .append_basic_block(self.llfn.expect("inside a function"), name)
    }

    /// Continues in a fresh (unreachable) block after a `return`/`break`/`raise`.
    pub(crate) fn start_dead_block(&self) {
        let bb = self.new_block("after.exit");
        self.builder.position_at_end(bb);
    }

    pub(crate) fn branch_if_open(&self, to: BasicBlock<'ctx>) -> R<()> {
        if !self.terminated() {
            self.builder.build_unconditional_branch(to)?;
        }
        Ok(())
    }

    // ----- runtime ------------------------------------------------------------------------------

    fn runtime_fn(&self, name: &str) -> FunctionValue<'ctx> {
        if let Some(f) = self.module.get_function(name) {
            return f;
        }
        // The declaration comes from the ABI table, the one definition the runtime is checked against.
        let symbol = strobe_abi::symbol(name)
            .unwrap_or_else(|| panic!("runtime function `{name}` is not in the kernel ABI table"));
        let params: Vec<BasicMetadataTypeEnum> = symbol
            .params
            .iter()
            .map(|t| self.abi_type(*t).into())
            .collect();
        let ty = match symbol.returns {
            Some(t) => self.abi_type(t).fn_type(&params, false),
            None => self.ctx.void_type().fn_type(&params, false),
        };
        let f = self.module.add_function(name, ty, Some(Linkage::External));
        if crate::raising::ERROR_PATH_RUNTIME.contains(&name) {
            let cold = Attribute::get_named_enum_kind_id("cold");
            f.add_attribute(
                AttributeLoc::Function,
                self.ctx.create_enum_attribute(cold, 0),
            );
        }
        if strobe_abi::RUNTIME_STATE_ONLY.contains(&name) {
            for attribute in self.inaccessible_memory_only() {
                f.add_attribute(AttributeLoc::Function, attribute);
            }
        }
        f
    }

    pub(crate) fn call_runtime(
        &self,
        name: &str,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> R<Option<BasicValueEnum<'ctx>>> {
        let f = self.runtime_fn(name);
        let result = self
            .builder
            .build_call(f, args, "")?
            .try_as_basic_value()
            .basic();
        Ok(result)
    }

    /// The C math library's `symbol` (a support symbol of the kernel ABI) on f64 arguments.
    pub(crate) fn call_libm(
        &self,
        symbol: &str,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let f64t = self.ctx.f64_type();
        let f = self.module.get_function(symbol).unwrap_or_else(|| {
            let params: Vec<BasicMetadataTypeEnum> = args.iter().map(|_| f64t.into()).collect();
            let ty = f64t.fn_type(&params, false);
            self.module
                .add_function(symbol, ty, Some(Linkage::External))
        });
        let call = self.builder.build_call(f, args, symbol)?;
        // Not a library call LLVM may rewrite (`sqrt(16.0)` into `sqrtf`, which kernels lack).
        let nobuiltin = inkwell::attributes::Attribute::get_named_enum_kind_id("nobuiltin");
        call.add_attribute(
            inkwell::attributes::AttributeLoc::Function,
            self.ctx.create_enum_attribute(nobuiltin, 0),
        );
        call.try_as_basic_value()
            .basic()
            .ok_or_else(|| CodegenError::Llvm(format!("{symbol} returned nothing")))
    }

    /// An LLVM intrinsic such as `llvm.floor` for f64.
    pub(crate) fn call_intrinsic(
        &self,
        name: &str,
        args: &[BasicValueEnum<'ctx>],
    ) -> R<BasicValueEnum<'ctx>> {
        let intrinsic = inkwell::intrinsics::Intrinsic::find(name)
            .ok_or_else(|| CodegenError::Llvm(format!("no intrinsic {name}")))?;
        let types: Vec<_> = args.iter().take(1).map(|a| a.get_type()).collect();
        let f = intrinsic
            .get_declaration(&self.module, &types)
            .ok_or_else(|| CodegenError::Llvm(format!("cannot declare {name}")))?;
        let args: Vec<BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        self.builder
            .build_call(f, &args, "")?
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| CodegenError::Llvm(format!("{name} returned nothing")))
    }

    /// The timeline cursor `now_mu` of the function being defined (see [`Gen::cursor`]).
    pub(crate) fn cursor(&self) -> PointerValue<'ctx> {
        self.cursor.expect("inside a kernel function")
    }

    /// The fast window's roomy flag (`strobe_abi::RTIO_ROOMY`), a 32-bit global in the firmware.
    pub(crate) fn rtio_roomy_global(&self) -> PointerValue<'ctx> {
        self.firmware_global(strobe_abi::RTIO_ROOMY, self.ctx.i32_type())
    }

    /// A 64-bit global of the firmware.
    fn firmware_i64(&self, name: &str) -> PointerValue<'ctx> {
        self.firmware_global(name, self.ctx.i64_type())
    }

    /// A global of the firmware, declared on first use.
    fn firmware_global(&self, name: &str, ty: IntType<'ctx>) -> PointerValue<'ctx> {
        let g = self.module.get_global(name).unwrap_or_else(|| {
            let g = self.module.add_global(ty, None, name);
            g.set_linkage(Linkage::External);
            g
        });
        g.as_pointer_value()
    }

    /// Allocates from the arena; raises MemoryError on exhaustion.
    pub(crate) fn alloc(&self, size: u64, align: u32, line: Line) -> R<PointerValue<'ctx>> {
        self.alloc_dynamic(self.ctx.i32_type().const_int(size, false), align, line)
    }

    pub(crate) fn alloc_dynamic(
        &self,
        size: IntValue<'ctx>,
        align: u32,
        line: Line,
    ) -> R<PointerValue<'ctx>> {
        let align = self.ctx.i32_type().const_int(align as u64, false);
        let p = self.call_runtime("__strobe_alloc", &[size.into(), align.into()])?;
        self.check_exception(line)?;
        Ok(p.map(|p| p.into_pointer_value())
            .unwrap_or(self.ptr_type().const_null()))
    }

    // ----- constants ----------------------------------------------------------------------------

    pub(crate) fn const_str(&self, s: &str) -> R<inkwell::values::StructValue<'ctx>> {
        let ptr = if s.is_empty() {
            self.ptr_type().const_null()
        } else {
            self.string_bytes(s).as_pointer_value()
        };
        let len = self.ctx.i32_type().const_int(s.len() as u64, false);
        Ok(self
            .str_type()
            .const_named_struct(&[ptr.into(), len.into()]))
    }

    /// A constant private to this unit, whose address nothing compares (`unnamed_addr`).
    pub(crate) fn private_constant(
        &self,
        value: BasicValueEnum<'ctx>,
        name: &str,
    ) -> GlobalValue<'ctx> {
        let g = self.module.add_global(value.get_type(), None, name);
        g.set_initializer(&value);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        g
    }

    fn string_bytes(&self, s: &str) -> GlobalValue<'ctx> {
        if let Some(g) = self.strings.borrow().get(s) {
            return *g;
        }
        let g = self.private_constant(self.ctx.const_string(s.as_bytes(), false).into(), "str");
        self.strings.borrow_mut().insert(s.to_string(), g);
        g
    }

    /// A constant `SourceLocation` for (line, function) in this unit.
    pub(crate) fn location(&self, line: Line, function: &str) -> R<PointerValue<'ctx>> {
        let key = (line.0, function.to_string());
        if let Some(g) = self.locations.borrow().get(&key) {
            return Ok(g.as_pointer_value());
        }
        let (file, shown_line) = self.program.origin(line);
        let value = self.location_type().const_named_struct(&[
            self.const_str(file)?.into(),
            self.ctx
                .i32_type()
                .const_int(shown_line as u64, false)
                .into(),
            self.const_str(function)?.into(),
            self.const_str(self.program.line_text(line))?.into(),
        ]);
        let g = self.module.add_global(self.location_type(), None, "loc");
        g.set_initializer(&value);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        self.locations.borrow_mut().insert(key, g);
        Ok(g.as_pointer_value())
    }
}

/// ABI size/alignment helpers on struct types.
pub(crate) trait Layout<'ctx> {
    fn size_of_abi(&self, gen: &Gen<'ctx, '_>) -> u64;
    fn align_of_abi(&self, gen: &Gen<'ctx, '_>) -> u32;
}

impl<'ctx, T: BasicType<'ctx>> Layout<'ctx> for T {
    fn size_of_abi(&self, gen: &Gen<'ctx, '_>) -> u64 {
        gen.size_of(self)
    }

    fn align_of_abi(&self, gen: &Gen<'ctx, '_>) -> u32 {
        gen.align_of(self)
    }
}

//! The state kernels share with the runtime outside the memory LLVM reasons about: the RTIO fast
//! window, its roomy flag (which the firmware's tick interrupt clears) and the pending exception.
//!
//! Kernels reach it only through single-instruction inline assembly that LLVM sees as touching
//! inaccessible memory (`memory(inaccessiblemem: readwrite)`, a side effect). The runtime functions
//! that touch this state and nothing else kernels see (`strobe_abi::RUNTIME_STATE_ONLY`) are
//! declared the same way. So these accesses and calls keep their order among themselves, and any
//! call of unknown effect orders them too, while what LLVM does know (the timeline cursor, kernel
//! data) stays in registers across them: an RTIO loop whose exact path is such a call keeps
//! `now_mu` in a register. A plain load or store of this state would break that: LLVM could move
//! it across such a call.

use crate::emit::{Gen, R};
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, PointerValue};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// `memory(inaccessiblemem: readwrite)` and `nounwind`: a call that touches no memory LLVM
    /// knows of, so loads and stores of globals move across it and values stay in registers.
    pub(crate) fn inaccessible_memory_only(&self) -> [Attribute; 2] {
        // LLVM's memory-effects encoding: two bits (read, write) per location kind; inaccessible
        // memory is the second kind.
        const INACCESSIBLE_READ_WRITE: u64 = 0b11 << 2;
        let attribute = |name: &str, value: u64| {
            self.ctx
                .create_enum_attribute(Attribute::get_named_enum_kind_id(name), value)
        };
        [
            attribute("memory", INACCESSIBLE_READ_WRITE),
            attribute("nounwind", 0),
        ]
    }

    /// A word of runtime state at `address` (a pointer or an RTIO window's address), read in order
    /// with the other accesses and calls of this module.
    pub(crate) fn load_runtime_word(
        &self,
        ty: BasicTypeEnum<'ctx>,
        address: PointerValue<'ctx>,
    ) -> R<BasicValueEnum<'ctx>> {
        let fn_type = ty.fn_type(&[address.get_type().into()], false);
        self.device_asm(fn_type, "lw $0, 0($1)", "=r,r", &[address.into()])?
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| crate::CodegenError::Llvm("a load returned nothing".into()))
    }

    /// Stores `word` to runtime state at `address` (a pointer, or an RTIO window's address as an
    /// integer), in order with the other accesses and calls of this module.
    pub(crate) fn store_runtime_word(
        &self,
        word: BasicValueEnum<'ctx>,
        address: BasicValueEnum<'ctx>,
    ) -> R<()> {
        let ty = self
            .ctx
            .void_type()
            .fn_type(&[word.get_type().into(), address.get_type().into()], false);
        self.device_asm(ty, "sw $0, 0($1)", "r,r", &[word.into(), address.into()])?;
        Ok(())
    }

    /// An inline-assembly instruction that reaches the runtime's state and no memory LLVM knows
    /// of (`memory(inaccessiblemem: readwrite)`, `nounwind`, a side effect).
    fn device_asm(
        &self,
        ty: inkwell::types::FunctionType<'ctx>,
        asm: &str,
        constraints: &str,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> R<inkwell::values::CallSiteValue<'ctx>> {
        let asm = self.ctx.create_inline_asm(
            ty,
            asm.to_string(),
            constraints.to_string(),
            true,
            false,
            None,
            false,
        );
        let call = self.builder.build_indirect_call(ty, asm, args, "")?;
        for attribute in self.inaccessible_memory_only() {
            call.add_attribute(AttributeLoc::Function, attribute);
        }
        Ok(call)
    }
}

//! Kernel types -> LLVM types and layouts.

use crate::emit::Gen;
use inkwell::types::{BasicType, BasicTypeEnum, StructType};
use inkwell::AddressSpace;
use strobe_ir::Type;

impl<'ctx> Gen<'ctx, '_> {
    pub(crate) fn ptr_type(&self) -> inkwell::types::PointerType<'ctx> {
        self.ctx.ptr_type(AddressSpace::default())
    }

    /// `{ ptr, i32 }`: a string (also the layout of `strobe_abi::Str`).
    pub(crate) fn str_type(&self) -> StructType<'ctx> {
        self.ctx
            .struct_type(&[self.ptr_type().into(), self.ctx.i32_type().into()], false)
    }

    /// `strobe_abi::ListHeader`: `{ len: i32, cap: i32, data: ptr }`.
    pub(crate) fn list_header_type(&self) -> StructType<'ctx> {
        let i32t = self.ctx.i32_type();
        self.ctx
            .struct_type(&[i32t.into(), i32t.into(), self.ptr_type().into()], false)
    }

    /// `strobe_abi::Exception`: `{ type_id: i32, name: Str, message: Str }`.
    pub(crate) fn exception_type(&self) -> StructType<'ctx> {
        self.ctx.struct_type(
            &[
                self.ctx.i32_type().into(),
                self.str_type().into(),
                self.str_type().into(),
            ],
            false,
        )
    }

    /// `strobe_abi::SourceLocation`: `{ file: Str, line: i32, function: Str, text: Str }`.
    pub(crate) fn location_type(&self) -> StructType<'ctx> {
        let s = self.str_type();
        self.ctx.struct_type(
            &[s.into(), self.ctx.i32_type().into(), s.into(), s.into()],
            false,
        )
    }

    pub(crate) fn object_type(&self, class: strobe_ir::ClassIndex) -> StructType<'ctx> {
        let fields: Vec<BasicTypeEnum> = self.program.classes[class.0 as usize]
            .fields
            .iter()
            .map(|(_, t)| self.ll(t))
            .collect();
        self.ctx.struct_type(&fields, false)
    }

    pub(crate) fn ll(&self, t: &Type) -> BasicTypeEnum<'ctx> {
        match t {
            Type::Int32 => self.ctx.i32_type().into(),
            Type::Int64 => self.ctx.i64_type().into(),
            Type::Float => self.ctx.f64_type().into(),
            Type::Bool => self.ctx.bool_type().into(),
            Type::None => self.ctx.i8_type().into(),
            Type::Str => self.str_type().into(),
            Type::Tuple(items) => {
                let fields: Vec<BasicTypeEnum> = items.iter().map(|t| self.ll(t)).collect();
                self.ctx.struct_type(&fields, false).into()
            }
            Type::Range(t) => {
                let e = self.ll(t);
                self.ctx.struct_type(&[e, e, e], false).into()
            }
            Type::List(_) | Type::Object(_) | Type::Exception => self.ptr_type().into(),
        }
    }

    pub(crate) fn size_of(&self, t: &dyn BasicType<'ctx>) -> u64 {
        self.target_data.get_abi_size(&t.as_basic_type_enum())
    }

    pub(crate) fn align_of(&self, t: &dyn BasicType<'ctx>) -> u32 {
        self.target_data.get_abi_alignment(&t.as_basic_type_enum())
    }
}

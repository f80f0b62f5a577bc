//! Kernel types -> LLVM types and layouts.

use crate::emit::Gen;
use inkwell::types::{BasicType, BasicTypeEnum, StructType};
use inkwell::AddressSpace;
use strobe_abi::layout::{self, FieldType, Layout};
use strobe_abi::AbiType;
use strobe_ir::Type;

impl<'ctx> Gen<'ctx, '_> {
    pub(crate) fn ptr_type(&self) -> inkwell::types::PointerType<'ctx> {
        self.ctx.ptr_type(AddressSpace::default())
    }

    /// The LLVM type of a value crossing the kernel ABI.
    pub(crate) fn abi_type(&self, t: AbiType) -> BasicTypeEnum<'ctx> {
        match t {
            AbiType::Bool => self.ctx.bool_type().into(),
            AbiType::I32 | AbiType::U32 => self.ctx.i32_type().into(),
            AbiType::I64 => self.ctx.i64_type().into(),
            AbiType::F64 => self.ctx.f64_type().into(),
            AbiType::Ptr => self.ptr_type().into(),
        }
    }

    /// The LLVM struct of an ABI layout (`strobe_abi::layout`); field indices come from the layout
    /// too (`layout::STR.index("len")`).
    pub(crate) fn abi_struct(&self, layout: &Layout) -> StructType<'ctx> {
        let fields: Vec<BasicTypeEnum> = layout
            .fields
            .iter()
            .map(|f| match f.ty {
                FieldType::Scalar(t) => self.abi_type(t),
                FieldType::Struct(inner) => self.abi_struct(inner).into(),
            })
            .collect();
        self.ctx.struct_type(&fields, false)
    }

    /// A string (`strobe_abi::Str`).
    pub(crate) fn str_type(&self) -> StructType<'ctx> {
        self.abi_struct(&layout::STR)
    }

    pub(crate) fn list_header_type(&self) -> StructType<'ctx> {
        self.abi_struct(&layout::LIST_HEADER)
    }

    pub(crate) fn exception_type(&self) -> StructType<'ctx> {
        self.abi_struct(&layout::EXCEPTION)
    }

    pub(crate) fn location_type(&self) -> StructType<'ctx> {
        self.abi_struct(&layout::SOURCE_LOCATION)
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
            Type::None | Type::Byte => self.ctx.i8_type().into(),
            Type::Str => self.str_type().into(),
            Type::Tuple(items) => {
                let fields: Vec<BasicTypeEnum> = items.iter().map(|t| self.ll(t)).collect();
                self.ctx.struct_type(&fields, false).into()
            }
            Type::Range(t) => {
                let e = self.ll(t);
                self.ctx.struct_type(&[e, e, e], false).into()
            }
            Type::List(_)
            | Type::Array(..)
            | Type::Bytes
            | Type::ByteArray
            | Type::Object(_)
            | Type::Exception => self.ptr_type().into(),
        }
    }

    pub(crate) fn size_of(&self, t: &dyn BasicType<'ctx>) -> u64 {
        self.target_data.get_abi_size(&t.as_basic_type_enum())
    }

    pub(crate) fn align_of(&self, t: &dyn BasicType<'ctx>) -> u32 {
        self.target_data.get_abi_alignment(&t.as_basic_type_enum())
    }
}

//! Strings: equality, concatenation and `str()` through the kernel runtime.

use crate::emit::{Gen, R};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, IntValue};
use strobe_abi::layout::EXCEPTION;
use strobe_ir::{Line, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn str_parts(
        &self,
        s: BasicValueEnum<'ctx>,
    ) -> R<(BasicMetadataValueEnum<'ctx>, BasicMetadataValueEnum<'ctx>)> {
        let sv = s.into_struct_value();
        let ptr = self.builder.build_extract_value(sv, 0, "ptr")?;
        let len = self.builder.build_extract_value(sv, 1, "len")?;
        Ok((ptr.into(), len.into()))
    }

    pub(crate) fn str_eq(
        &self,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> R<IntValue<'ctx>> {
        let (ap, al) = self.str_parts(a)?;
        let (bp, bl) = self.str_parts(b)?;
        let v = self.call_runtime("__strobe_str_eq", &[ap, al, bp, bl])?;
        Ok(v.map(|v| v.into_int_value())
            .unwrap_or(self.ctx.bool_type().const_zero()))
    }

    pub(crate) fn str_concat(
        &self,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let (ap, al) = self.str_parts(a)?;
        let (bp, bl) = self.str_parts(b)?;
        let out = self.entry_alloca(self.str_type(), "concat")?;
        self.call_runtime("__strobe_str_concat", &[ap, al, bp, bl, out.into()])?;
        self.check_exception(line)?;
        Ok(self.builder.build_load(self.str_type(), out, "s")?)
    }

    pub(crate) fn stringify(
        &mut self,
        v: BasicValueEnum<'ctx>,
        ty: &Type,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let via = |this: &Self, f: &str| -> R<BasicValueEnum<'ctx>> {
            let out = this.entry_alloca(this.str_type(), "str")?;
            this.call_runtime(f, &[v.into(), out.into()])?;
            this.check_exception(line)?;
            Ok(this.builder.build_load(this.str_type(), out, "s")?)
        };
        match ty {
            Type::Str => Ok(v),
            Type::Int32 => via(self, "__strobe_str_from_i32"),
            Type::Int64 => via(self, "__strobe_str_from_i64"),
            Type::Float => via(self, "__strobe_str_from_f64"),
            Type::Bool => {
                let (t, f) = (self.const_str("True")?, self.const_str("False")?);
                Ok(self
                    .builder
                    .build_select(v.into_int_value(), t, f, "bool")?)
            }
            Type::Exception => {
                let p = self.builder.build_struct_gep(
                    self.exception_type(),
                    v.into_pointer_value(),
                    EXCEPTION.index("message"),
                    "msg",
                )?;
                Ok(self.builder.build_load(self.str_type(), p, "msg")?)
            }
            _ => Ok(self.const_str("None")?.into()),
        }
    }
}

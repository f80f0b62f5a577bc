//! `bytes` and `bytearray`: list headers over one-byte items, read as int32 values. Literals,
//! conversions from integer sequences (each item checked to be a byte) and item stores.

use crate::emit::{Gen, R};
use inkwell::module::Linkage;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use strobe_abi::ExceptionId;
use strobe_ir::{Expr, Line, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// A new `bytes`/`bytearray` holding `items`.
    pub(crate) fn bytes_literal(&mut self, items: &[u8], line: Line) -> R<BasicValueEnum<'ctx>> {
        let i32t = self.ctx.i32_type();
        let n = i32t.const_int(items.len() as u64, false);
        let out = self.new_list(n, &Type::Byte, line)?;
        if !items.is_empty() {
            let data = self.ctx.const_string(items, false);
            let g = self.module.add_global(data.get_type(), None, "bytes");
            g.set_initializer(&data);
            g.set_constant(true);
            g.set_linkage(Linkage::Private);
            let to = self.data_ptr(out, i32t.const_zero(), &Type::Byte)?;
            self.builder
                .build_memcpy(to, 1, g.as_pointer_value(), 1, n)
                .map_err(|e| crate::CodegenError::Llvm(e.to_string()))?;
        }
        Ok(out.into())
    }

    /// `bytes(xs)` / `bytearray(xs)`: xs a list of integers or bools, a range, or bytes.
    pub(crate) fn bytes_from(&mut self, value: &'ir Expr, line: Line) -> R<BasicValueEnum<'ctx>> {
        let v = self.expr(value)?;
        let len = self.len(v, &value.ty)?;
        let out = self.new_list(len, &Type::Byte, line)?;
        self.counted_loop(len, |this, k| {
            let item = match &value.ty {
                Type::Range(_) => {
                    let r = v.into_struct_value();
                    let b = &this.builder;
                    let start = b.build_extract_value(r, 0, "")?.into_int_value();
                    let step = b.build_extract_value(r, 2, "")?.into_int_value();
                    let k = b.build_int_s_extend_or_bit_cast(k, start.get_type(), "")?;
                    b.build_int_add(start, b.build_int_mul(k, step, "")?, "item")?
                }
                other => {
                    let items = other.items().cloned().unwrap_or(Type::Int32);
                    let list = v.into_pointer_value();
                    this.load_element(list, k, &items)?.into_int_value()
                }
            };
            let byte = this.checked_byte(item, "bytes must be in range(0, 256)", line)?;
            let to = this.data_ptr(out, k, &Type::Byte)?;
            this.builder.build_store(to, byte)?;
            Ok(())
        })?;
        Ok(out.into())
    }

    /// `a[i] = v` of a bytearray: `v` must be a byte (ValueError), `i` in range (IndexError).
    pub(crate) fn store_byte(
        &mut self,
        list: PointerValue<'ctx>,
        i: IntValue<'ctx>,
        v: IntValue<'ctx>,
        line: Line,
    ) -> R<()> {
        let byte = self.checked_byte(v, "byte must be in range(0, 256)", line)?;
        let p = self.element_ptr(list, i, &Type::Byte, line, "bytearray index out of range")?;
        self.builder.build_store(p, byte)?;
        Ok(())
    }

    /// `v` as one byte, or ValueError (CPython's `message`) when it is not in 0..=255.
    fn checked_byte(&mut self, v: IntValue<'ctx>, message: &str, line: Line) -> R<IntValue<'ctx>> {
        // A bool is 0 or 1: widen it to compare.
        let v = if v.get_type().get_bit_width() < 8 {
            self.builder
                .build_int_z_extend(v, self.ctx.i32_type(), "")?
        } else {
            v
        };
        let t = v.get_type();
        let outside = self.builder.build_int_compare(
            IntPredicate::UGT,
            v,
            t.const_int(255, false),
            "not_byte",
        )?;
        self.raise_if(outside, ExceptionId::ValueError, message, line)?;
        Ok(self
            .builder
            .build_int_truncate_or_bit_cast(v, self.ctx.i8_type(), "byte")?)
    }
}

//! Calls of host functions: the arguments are stored in stack slots and handed to the firmware's
//! `__strobe_rpc` with their type signature (`strobe_protocol::rpc` tags); it writes the result back.
//! Quoted host values travel the same encoding: the runtime decodes slot `n` of the program's
//! quoted-value table by the value's tags.

use crate::emit::{Gen, R};
use crate::CodegenError;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum};
use strobe_ir::{Expr, Line, Type};

/// `flags` bit of an async call (see `strobe_abi::DEVICE_SYMBOLS`).
const ASYNC: u64 = 1;

/// The RPC type tags of `t`: how a value of it is encoded on the wire (and in the quoted-value table).
pub fn type_tags(t: &Type) -> Result<Vec<u8>, CodegenError> {
    let mut out = String::new();
    push_tags(t, &mut out)?;
    Ok(out.chars().map(|c| c as u8).collect())
}

/// Appends the RPC type tags of `t` (one byte per type; `l` + element; `t` + count + items).
fn push_tags(t: &Type, out: &mut String) -> Result<(), CodegenError> {
    match t {
        Type::Int32 => out.push('i'),
        Type::Int64 => out.push('I'),
        Type::Float => out.push('f'),
        Type::Bool => out.push('b'),
        Type::Str => out.push('s'),
        Type::Bytes => out.push('B'),
        Type::ByteArray => out.push('A'),
        Type::None => out.push('n'),
        Type::List(elem) => {
            out.push('l');
            push_tags(elem, out)?;
        }
        Type::Object(_) => out.push('O'),
        Type::Range(elem) => {
            out.push('r');
            push_tags(elem, out)?;
        }
        Type::Array(elem, dims) => {
            out.push('a');
            out.push(char::from(*dims));
            push_tags(elem, out)?;
        }
        Type::Tuple(items) if items.len() < 128 => {
            out.push('t');
            out.push(char::from(items.len() as u8));
            for item in items {
                push_tags(item, out)?;
            }
        }
        other => {
            return Err(CodegenError::Llvm(format!(
                "a value of type {other:?} cannot be sent to the host"
            )))
        }
    }
    Ok(())
}

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn rpc(
        &mut self,
        service: u32,
        is_async: bool,
        args: &'ir [Expr],
        ret: &Type,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let mut tags = String::new();
        for a in args {
            push_tags(&a.ty, &mut tags)?;
        }
        push_tags(ret, &mut tags)?;
        let ptr = self.ptr_type();
        let i32t = self.ctx.i32_type();
        let slots = self.entry_alloca(ptr.array_type(args.len().max(1) as u32), "rpc.args")?;
        for (i, a) in args.iter().enumerate() {
            let value = self.expr(a)?;
            let slot = self.entry_alloca(self.ll(&a.ty), "rpc.arg")?;
            self.builder.build_store(slot, value)?;
            // SAFETY (LLVM): index within the array just allocated.
            let at = unsafe {
                self.builder.build_in_bounds_gep(
                    ptr.array_type(args.len().max(1) as u32),
                    slots,
                    &[i32t.const_zero(), i32t.const_int(i as u64, false)],
                    "",
                )?
            };
            self.builder.build_store(at, slot)?;
        }
        let result = self.entry_alloca(self.ll(ret), "rpc.ret")?;
        let tags_str = self.const_str(&tags)?;
        let call: [BasicMetadataValueEnum; 7] = [
            i32t.const_int(service as u64, false).into(),
            i32t.const_int(if is_async { ASYNC } else { 0 }, false)
                .into(),
            tags_str.get_field_at_index(0).expect("str pointer").into(),
            i32t.const_int(tags.len() as u64, false).into(),
            i32t.const_int(args.len() as u64, false).into(),
            slots.into(),
            result.into(),
        ];
        self.call_runtime("__strobe_rpc", &call)?;
        self.check_exception(line)?;
        Ok(self.builder.build_load(self.ll(ret), result, "rpc.value")?)
    }

    /// Host value `slot` of the quoted-value table, decoded at run time as `ty`.
    pub(crate) fn quoted(&mut self, slot: u32, ty: &Type, line: Line) -> R<BasicValueEnum<'ctx>> {
        let mut tags = String::new();
        push_tags(ty, &mut tags)?;
        let i32t = self.ctx.i32_type();
        let result = self.entry_alloca(self.ll(ty), "quoted")?;
        let tags_str = self.const_str(&tags)?;
        let call: [BasicMetadataValueEnum; 4] = [
            i32t.const_int(slot as u64, false).into(),
            tags_str.get_field_at_index(0).expect("str pointer").into(),
            i32t.const_int(tags.len() as u64, false).into(),
            result.into(),
        ];
        self.call_runtime("__strobe_quoted_load", &call)?;
        self.check_exception(line)?;
        Ok(self
            .builder
            .build_load(self.ll(ty), result, "quoted.value")?)
    }
}

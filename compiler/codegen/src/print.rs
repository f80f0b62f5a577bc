//! `print(...)` exactly as CPython formats it: `str()` of each argument, `repr()` inside containers.

use crate::emit::{Gen, R};
use inkwell::values::BasicValueEnum;
use inkwell::IntPredicate;
use strobe_abi::layout::EXCEPTION;
use strobe_ir::{Expr, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn print(
        &mut self,
        args: &'ir [Expr],
        sep: Option<&'ir Expr>,
        end: Option<&'ir Expr>,
    ) -> R<()> {
        let sep = match sep {
            Some(s) => self.expr(s)?,
            None => self.const_str(" ")?.into(),
        };
        let end = match end {
            Some(s) => self.expr(s)?,
            None => self.const_str("\n")?.into(),
        };
        // Like CPython, evaluate every argument before writing anything.
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.expr(a)?);
        }
        for (i, (v, a)) in values.into_iter().zip(args).enumerate() {
            if i > 0 {
                self.write_str_value(sep)?;
            }
            self.write_value(v, &a.ty, false)?;
        }
        self.write_str_value(end)
    }

    fn write_str_value(&self, s: BasicValueEnum<'ctx>) -> R<()> {
        let (p, l) = self.str_parts(s)?;
        self.call_runtime("__strobe_print_str", &[p, l])?;
        Ok(())
    }

    pub(crate) fn write_text(&self, text: &str) -> R<()> {
        let s = self.const_str(text)?;
        self.write_str_value(s.into())
    }

    /// Writes `str(v)`, or `repr(v)` when `repr` (elements of lists and tuples).
    pub(crate) fn write_value(&mut self, v: BasicValueEnum<'ctx>, ty: &Type, repr: bool) -> R<()> {
        match ty {
            // A byte is read as an int32.
            Type::Int32 | Type::Byte => {
                self.call_runtime("__strobe_print_i32", &[v.into()])?;
            }
            Type::Int64 => {
                self.call_runtime("__strobe_print_i64", &[v.into()])?;
            }
            Type::Float => {
                self.call_runtime("__strobe_print_f64", &[v.into()])?;
            }
            Type::Bool => {
                let (t, f) = (self.const_str("True")?, self.const_str("False")?);
                let s = self
                    .builder
                    .build_select(v.into_int_value(), t, f, "bool")?;
                self.write_str_value(s)?;
            }
            Type::None => self.write_text("None")?,
            Type::Str => {
                let (p, l) = self.str_parts(v)?;
                let f = if repr {
                    "__strobe_print_repr_str"
                } else {
                    "__strobe_print_str"
                };
                self.call_runtime(f, &[p, l])?;
            }
            Type::Exception => {
                let p = self.builder.build_struct_gep(
                    self.exception_type(),
                    v.into_pointer_value(),
                    EXCEPTION.index("message"),
                    "msg",
                )?;
                let msg = self.builder.build_load(self.str_type(), p, "msg")?;
                if repr {
                    // repr(exc) is `Name('message')`.
                    let np = self.builder.build_struct_gep(
                        self.exception_type(),
                        v.into_pointer_value(),
                        EXCEPTION.index("name"),
                        "name",
                    )?;
                    let name = self.builder.build_load(self.str_type(), np, "name")?;
                    self.write_str_value(name)?;
                    self.write_text("(")?;
                    let (p, l) = self.str_parts(msg)?;
                    self.call_runtime("__strobe_print_repr_str", &[p, l])?;
                    self.write_text(")")?;
                } else {
                    // str(KeyError(k)) is repr(k).
                    let id_ptr = self.builder.build_struct_gep(
                        self.exception_type(),
                        v.into_pointer_value(),
                        EXCEPTION.index("type_id"),
                        "id",
                    )?;
                    let id = self
                        .builder
                        .build_load(self.ctx.i32_type(), id_ptr, "id")?
                        .into_int_value();
                    let key_error = self
                        .ctx
                        .i32_type()
                        .const_int(strobe_abi::ExceptionId::KeyError as u64, false);
                    let is_key = self.builder.build_int_compare(
                        IntPredicate::EQ,
                        id,
                        key_error,
                        "is_key",
                    )?;
                    let (quoted, plain, done) = (
                        self.new_block("key"),
                        self.new_block("plain"),
                        self.new_block("printed"),
                    );
                    self.builder
                        .build_conditional_branch(is_key, quoted, plain)?;
                    for (bb, f) in [
                        (quoted, "__strobe_print_repr_str"),
                        (plain, "__strobe_print_str"),
                    ] {
                        self.builder.position_at_end(bb);
                        let (p, l) = self.str_parts(msg)?;
                        self.call_runtime(f, &[p, l])?;
                        self.builder.build_unconditional_branch(done)?;
                    }
                    self.builder.position_at_end(done);
                }
            }
            Type::Tuple(items) => {
                self.write_text("(")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        self.write_text(", ")?;
                    }
                    let item =
                        self.builder
                            .build_extract_value(v.into_struct_value(), i as u32, "")?;
                    self.write_value(item, t, true)?;
                }
                self.write_text(if items.len() == 1 { ",)" } else { ")" })?;
            }
            // As ARTIQ prints them: `bytes([97, 98])`, `bytearray([97, 98])`.
            Type::Bytes | Type::ByteArray => {
                let name = if *ty == Type::Bytes {
                    "bytes("
                } else {
                    "bytearray("
                };
                self.write_text(name)?;
                self.write_value(v, &Type::List(Box::new(Type::Byte)), repr)?;
                self.write_text(")")?;
            }
            Type::List(elem) => {
                let list = v.into_pointer_value();
                let len = self.list_len(list)?;
                self.write_items(len, |this, i| {
                    let item = this.load_element(list, i, elem)?;
                    this.write_value(item, elem, true)
                })?;
            }
            Type::Array(..) => self.write_array(v.into_pointer_value(), ty)?,
            Type::Range(elem) => {
                let r = v.into_struct_value();
                self.write_text("range(")?;
                let start = self.builder.build_extract_value(r, 0, "")?;
                self.write_value(start, elem, true)?;
                self.write_text(", ")?;
                let stop = self.builder.build_extract_value(r, 1, "")?;
                self.write_value(stop, elem, true)?;
                let step = self.builder.build_extract_value(r, 2, "")?.into_int_value();
                let one = self.builder.build_int_compare(
                    IntPredicate::EQ,
                    step,
                    step.get_type().const_int(1, false),
                    "",
                )?;
                let (show, done) = (
                    self.new_block("print.step"),
                    self.new_block("print.range.end"),
                );
                self.builder.build_conditional_branch(one, done, show)?;
                self.builder.position_at_end(show);
                self.write_text(", ")?;
                self.write_value(step.into(), elem, true)?;
                self.builder.build_unconditional_branch(done)?;
                self.builder.position_at_end(done);
                self.write_text(")")?;
            }
            Type::Object(class) => {
                let name = self.program.classes[class.0 as usize].name.clone();
                self.write_text(&format!("<{name} object>"))?;
            }
        }
        Ok(())
    }

    /// `[item, item, ...]` for `len` items, each written by `item(i)`.
    pub(crate) fn write_items(
        &mut self,
        len: inkwell::values::IntValue<'ctx>,
        mut item: impl FnMut(&mut Self, inkwell::values::IntValue<'ctx>) -> R<()>,
    ) -> R<()> {
        self.write_text("[")?;
        self.counted_loop(len, |this, i| {
            let first = this.builder.build_int_compare(
                IntPredicate::EQ,
                i,
                i.get_type().const_zero(),
                "first",
            )?;
            let (sep, cont) = (this.new_block("print.sep"), this.new_block("print.item"));
            this.builder.build_conditional_branch(first, cont, sep)?;
            this.builder.position_at_end(sep);
            this.write_text(", ")?;
            this.builder.build_unconditional_branch(cont)?;
            this.builder.position_at_end(cont);
            item(this, i)
        })?;
        self.write_text("]")
    }
}

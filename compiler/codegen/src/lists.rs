//! Lists in the arena: headers, elements, growth, concatenation and repetition, `in`, `len`, and the
//! counted loop used to walk them.

use crate::emit::{Gen, Layout, R};
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use strobe_abi::layout::LIST_HEADER;
use strobe_abi::ExceptionId;
use strobe_ir::{CmpKind, Expr, Line, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn list_len(&self, list: PointerValue<'ctx>) -> R<IntValue<'ctx>> {
        let p = self.builder.build_struct_gep(
            self.list_header_type(),
            list,
            LIST_HEADER.index("len"),
            "len.ptr",
        )?;
        Ok(self
            .builder
            .build_load(self.ctx.i32_type(), p, "len")?
            .into_int_value())
    }

    pub(crate) fn set_list_len(&self, list: PointerValue<'ctx>, len: IntValue<'ctx>) -> R<()> {
        let p = self.builder.build_struct_gep(
            self.list_header_type(),
            list,
            LIST_HEADER.index("len"),
            "len.ptr",
        )?;
        self.builder.build_store(p, len)?;
        Ok(())
    }

    /// Address of element `i` (no bounds check).
    pub(crate) fn data_ptr(
        &self,
        list: PointerValue<'ctx>,
        i: IntValue<'ctx>,
        elem: &Type,
    ) -> R<PointerValue<'ctx>> {
        let p = self.builder.build_struct_gep(
            self.list_header_type(),
            list,
            LIST_HEADER.index("data"),
            "data.ptr",
        )?;
        let data = self
            .builder
            .build_load(self.ptr_type(), p, "data")?
            .into_pointer_value();
        // SAFETY: `data` points at `cap` elements of `elem`; callers keep `i` within `len <= cap`.
        Ok(unsafe {
            self.builder
                .build_in_bounds_gep(self.ll(elem), data, &[i], "elem")?
        })
    }

    pub(crate) fn load_element(
        &self,
        list: PointerValue<'ctx>,
        i: IntValue<'ctx>,
        elem: &Type,
    ) -> R<BasicValueEnum<'ctx>> {
        let p = self.data_ptr(list, i, elem)?;
        self.load_item(p, elem)
    }

    /// The item of type `elem` at `p`; a byte is read as the int32 it is in the language.
    pub(crate) fn load_item(&self, p: PointerValue<'ctx>, elem: &Type) -> R<BasicValueEnum<'ctx>> {
        let item = self.builder.build_load(self.ll(elem), p, "item")?;
        if *elem == Type::Byte {
            let byte = item.into_int_value();
            return Ok(self
                .builder
                .build_int_z_extend(byte, self.ctx.i32_type(), "byte")?
                .into());
        }
        Ok(item)
    }

    /// A new list of `len` (uninitialised) elements; `len` of any width (a negative one or one
    /// whose bytes could never fit raises MemoryError, never wraps).
    pub(crate) fn new_list(
        &self,
        len: IntValue<'ctx>,
        elem: &Type,
        line: Line,
    ) -> R<PointerValue<'ctx>> {
        let et = self.ll(elem);
        let bytes = self.allocation_bytes(len, et.size_of_abi(self), line)?;
        let len = self.to_i32(len)?;
        let header = self.list_header_type();
        let list = self.alloc(header.size_of_abi(self), header.align_of_abi(self), line)?;
        let data = self.alloc_dynamic(bytes, et.align_of_abi(self), line)?;
        for (field, v) in [
            ("len", len.into()),
            ("cap", len.into()),
            ("data", data.into()),
        ] {
            let p = self
                .builder
                .build_struct_gep(header, list, LIST_HEADER.index(field), "")?;
            self.builder.build_store::<BasicValueEnum>(p, v)?;
        }
        Ok(list)
    }

    /// A list literal's items when they are all constant numbers: copied from one constant array
    /// (a long literal stays one instruction, not one store per item that the code generator's
    /// scheduling is quadratic in). False when they are not: the caller stores them.
    pub(crate) fn copy_constant_items(
        &self,
        list: PointerValue<'ctx>,
        values: &[BasicValueEnum<'ctx>],
        elem: &Type,
    ) -> R<bool> {
        /// Shorter literals are stored item by item (as fast, and no global).
        const FEWEST: usize = 16;
        if values.len() < FEWEST {
            return Ok(false);
        }
        let constant = values.iter().all(|v| match v {
            BasicValueEnum::IntValue(i) => i.is_const(),
            BasicValueEnum::FloatValue(f) => f.is_const(),
            _ => false,
        });
        let array = match elem {
            _ if !constant => return Ok(false),
            Type::Int32 | Type::Int64 => {
                let ints: Vec<IntValue<'ctx>> = values.iter().map(|v| v.into_int_value()).collect();
                self.ll(elem).into_int_type().const_array(&ints)
            }
            Type::Float => {
                let floats: Vec<_> = values.iter().map(|v| v.into_float_value()).collect();
                self.ctx.f64_type().const_array(&floats)
            }
            _ => return Ok(false),
        };
        let items = self.private_constant(array.into(), "list.items");
        let zero = self.ctx.i32_type().const_zero();
        let count = self.ctx.i32_type().const_int(values.len() as u64, false);
        let to = self.data_ptr(list, zero, elem)?;
        self.copy_items(to, items.as_pointer_value(), count, elem)?;
        Ok(true)
    }

    /// The bytes of `count` items of `size` bytes, as an i32; raises MemoryError when `count` is
    /// negative or the bytes exceed 2^31 - 1 (computed in 64 bits: no wrap-around).
    pub(crate) fn allocation_bytes(
        &self,
        count: IntValue<'ctx>,
        size: u64,
        line: Line,
    ) -> R<IntValue<'ctx>> {
        let b = &self.builder;
        let i64t = self.ctx.i64_type();
        let wide = if count.get_type().get_bit_width() < 64 {
            b.build_int_s_extend(count, i64t, "count")?
        } else {
            count
        };
        let most = i64t.const_int(i32::MAX as u64, false);
        let bytes = b.build_int_mul(wide, i64t.const_int(size, false), "bytes")?;
        // Unsigned comparisons: a negative count is huge.
        let too_many = b.build_int_compare(IntPredicate::UGT, wide, most, "")?;
        let too_big = b.build_int_compare(IntPredicate::UGT, bytes, most, "")?;
        let fails = b.build_or(too_many, too_big, "")?;
        self.raise_if(fails, ExceptionId::MemoryError, "", line)?;
        Ok(self
            .builder
            .build_int_truncate(bytes, self.ctx.i32_type(), "bytes")?)
    }

    /// `v` as an i32 (truncated when wider: for values already checked to fit).
    fn to_i32(&self, v: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        Ok(if v.get_type().get_bit_width() == 32 {
            v
        } else {
            self.builder
                .build_int_truncate(v, self.ctx.i32_type(), "")?
        })
    }

    pub(crate) fn list_append(
        &self,
        list: PointerValue<'ctx>,
        v: BasicValueEnum<'ctx>,
        elem: &Type,
        line: Line,
    ) -> R<()> {
        let et = self.ll(elem);
        let i32t = self.ctx.i32_type();
        let args = [
            list.into(),
            i32t.const_int(1, false).into(),
            i32t.const_int(et.size_of_abi(self), false).into(),
            i32t.const_int(et.align_of_abi(self) as u64, false).into(),
        ];
        self.call_runtime("__strobe_list_reserve", &args)?;
        self.check_exception(line)?;
        let len = self.list_len(list)?;
        let p = self.data_ptr(list, len, elem)?;
        self.builder.build_store(p, v)?;
        let next = self
            .builder
            .build_int_add(len, i32t.const_int(1, false), "len")?;
        self.set_list_len(list, next)
    }

    /// Copies `src`'s first `count` items into `dst` from `dst_index` on.
    pub(crate) fn copy_elements(
        &self,
        dst: PointerValue<'ctx>,
        dst_index: IntValue<'ctx>,
        src: PointerValue<'ctx>,
        count: IntValue<'ctx>,
        elem: &Type,
    ) -> R<()> {
        let zero = self.ctx.i32_type().const_zero();
        self.copy_range(dst, dst_index, src, zero, count, elem)
    }

    /// Copies `count` items of `src` from `src_index` on into `dst` from `dst_index` on.
    pub(crate) fn copy_range(
        &self,
        dst: PointerValue<'ctx>,
        dst_index: IntValue<'ctx>,
        src: PointerValue<'ctx>,
        src_index: IntValue<'ctx>,
        count: IntValue<'ctx>,
        elem: &Type,
    ) -> R<()> {
        let to = self.data_ptr(dst, dst_index, elem)?;
        let from = self.data_ptr(src, src_index, elem)?;
        self.copy_items(to, from, count, elem)
    }

    /// Copies `count` items of type `elem` from `from` to `to`.
    fn copy_items(
        &self,
        to: PointerValue<'ctx>,
        from: PointerValue<'ctx>,
        count: IntValue<'ctx>,
        elem: &Type,
    ) -> R<()> {
        let et = self.ll(elem);
        let bytes = self.builder.build_int_mul(
            count,
            self.ctx.i32_type().const_int(et.size_of_abi(self), false),
            "bytes",
        )?;
        let align = et.align_of_abi(self);
        self.builder
            .build_memcpy(to, align, from, align, bytes)
            .map_err(|e| crate::CodegenError::Llvm(e.to_string()))?;
        Ok(())
    }

    pub(crate) fn list_concat(
        &mut self,
        left: &'ir Expr,
        right: &'ir Expr,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let Some(elem) = left.ty.items() else {
            return Ok(self.ptr_type().const_null().into());
        };
        let a = self.expr(left)?.into_pointer_value();
        let b = self.expr(right)?.into_pointer_value();
        let (la, lb) = (self.list_len(a)?, self.list_len(b)?);
        let total = self.builder.build_int_add(la, lb, "total")?;
        let out = self.new_list(total, elem, line)?;
        self.copy_elements(out, self.ctx.i32_type().const_zero(), a, la, elem)?;
        self.copy_elements(out, la, b, lb, elem)?;
        Ok(out.into())
    }

    pub(crate) fn list_repeat(
        &mut self,
        list: &'ir Expr,
        count: &'ir Expr,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let Type::List(elem) = &list.ty else {
            return Ok(self.ptr_type().const_null().into());
        };
        let src = self.expr(list)?.into_pointer_value();
        // In 64 bits: an int64 count is never truncated, and the total never wraps.
        let i64t = self.ctx.i64_type();
        let n = self.expr(count)?.into_int_value();
        let n = if n.get_type().get_bit_width() == 64 {
            n
        } else {
            self.builder.build_int_s_extend(n, i64t, "n")?
        };
        let positive =
            self.builder
                .build_int_compare(IntPredicate::SGT, n, i64t.const_zero(), "pos")?;
        let n = self
            .builder
            .build_select(positive, n, i64t.const_zero(), "n")?
            .into_int_value();
        let len = self.list_len(src)?;
        let wide_len = self.builder.build_int_z_extend(len, i64t, "len")?;
        let total = self.builder.build_int_mul(wide_len, n, "total")?;
        let out = self.new_list(total, elem, line)?;
        // Repeating nothing is nothing, however often (the count then need not fit 32 bits).
        let empty = self.builder.build_int_compare(
            IntPredicate::EQ,
            len,
            len.get_type().const_zero(),
            "",
        )?;
        let n = self
            .builder
            .build_select(empty, i64t.const_zero(), n, "n")?
            .into_int_value();
        self.counted_loop(n, |this, i| {
            let at = this.builder.build_int_mul(i, len, "at")?;
            this.copy_elements(out, at, src, len, elem)
        })?;
        Ok(out.into())
    }

    pub(crate) fn contains(&mut self, item: &'ir Expr, container: &'ir Expr) -> R<IntValue<'ctx>> {
        let x = self.expr(item)?;
        let c = self.expr(container)?;
        match &container.ty {
            Type::Range(_) => {
                let r = c.into_struct_value();
                let start = self.builder.build_extract_value(r, 0, "")?.into_int_value();
                let stop = self.builder.build_extract_value(r, 1, "")?.into_int_value();
                let step = self.builder.build_extract_value(r, 2, "")?.into_int_value();
                let x = x.into_int_value();
                let b = &self.builder;
                let zero = start.get_type().const_zero();
                let pos = b.build_int_compare(IntPredicate::SGT, step, zero, "")?;
                let in_up = b.build_and(
                    b.build_int_compare(IntPredicate::SGE, x, start, "")?,
                    b.build_int_compare(IntPredicate::SLT, x, stop, "")?,
                    "",
                )?;
                let in_down = b.build_and(
                    b.build_int_compare(IntPredicate::SLE, x, start, "")?,
                    b.build_int_compare(IntPredicate::SGT, x, stop, "")?,
                    "",
                )?;
                let inside = b.build_select(pos, in_up, in_down, "")?.into_int_value();
                let offset = b.build_int_sub(x, start, "")?;
                let rem = b.build_int_signed_rem(offset, step, "")?;
                let on_step = b.build_int_compare(IntPredicate::EQ, rem, zero, "")?;
                Ok(b.build_and(inside, on_step, "in")?)
            }
            Type::List(elem) => {
                let list = c.into_pointer_value();
                let found = self.entry_alloca(self.ctx.bool_type(), "found")?;
                self.builder
                    .build_store(found, self.ctx.bool_type().const_zero())?;
                let len = self.list_len(list)?;
                self.counted_loop(len, |this, i| {
                    let v = this.load_element(list, i, elem)?;
                    let eq = this.compare(CmpKind::Eq, elem, v, x)?;
                    let prev = this
                        .builder
                        .build_load(this.ctx.bool_type(), found, "")?
                        .into_int_value();
                    let now = this.builder.build_or(prev, eq, "")?;
                    this.builder.build_store(found, now)?;
                    Ok(())
                })?;
                Ok(self
                    .builder
                    .build_load(self.ctx.bool_type(), found, "found")?
                    .into_int_value())
            }
            _ => Ok(self.ctx.bool_type().const_zero()),
        }
    }

    pub(crate) fn len(&mut self, v: BasicValueEnum<'ctx>, ty: &Type) -> R<IntValue<'ctx>> {
        Ok(match ty {
            Type::List(_) | Type::Bytes | Type::ByteArray => {
                self.list_len(v.into_pointer_value())?
            }
            Type::Array(_, dims) => self.array_shape(v.into_pointer_value(), *dims)?[0],
            // Code points, as CPython counts (the string is UTF-8).
            Type::Str => {
                let (p, l) = self.str_parts(v)?;
                self.call_runtime("__strobe_str_len", &[p, l])?
                    .map(|n| n.into_int_value())
                    .unwrap_or(self.ctx.i32_type().const_zero())
            }
            Type::Tuple(items) => self.ctx.i32_type().const_int(items.len() as u64, false),
            Type::Range(_) => {
                let r = v.into_struct_value();
                let b = &self.builder;
                let start = b.build_extract_value(r, 0, "")?.into_int_value();
                let stop = b.build_extract_value(r, 1, "")?.into_int_value();
                let step = b.build_extract_value(r, 2, "")?.into_int_value();
                let t = start.get_type();
                let zero = t.const_zero();
                let one = t.const_int(1, false);
                // len = max(0, (stop - start + step -/+ 1) / step)
                let pos = b.build_int_compare(IntPredicate::SGT, step, zero, "")?;
                let adj = b
                    .build_select(
                        pos,
                        b.build_int_sub(step, one, "")?,
                        b.build_int_add(step, one, "")?,
                        "",
                    )?
                    .into_int_value();
                let span = b.build_int_add(b.build_int_sub(stop, start, "")?, adj, "")?;
                let n = b.build_int_signed_div(span, step, "")?;
                let neg = b.build_int_compare(IntPredicate::SLT, n, zero, "")?;
                let n = b.build_select(neg, zero, n, "")?.into_int_value();
                self.to_i32(n)?
            }
            _ => self.ctx.i32_type().const_zero(),
        })
    }

    /// `for i in 0..n: body(i)` at codegen level.
    pub(crate) fn counted_loop(
        &mut self,
        n: IntValue<'ctx>,
        mut body: impl FnMut(&mut Self, IntValue<'ctx>) -> R<()>,
    ) -> R<()> {
        let i32t = self.ctx.i32_type();
        let counter = self.entry_alloca(i32t, "k")?;
        self.builder.build_store(counter, i32t.const_zero())?;
        let (head, body_bb, done) = (
            self.new_block("loop.head"),
            self.new_block("loop.body"),
            self.new_block("loop.end"),
        );
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(head);
        let i = self
            .builder
            .build_load(i32t, counter, "k")?
            .into_int_value();
        let n32 = self.to_i32(n)?;
        let go = self
            .builder
            .build_int_compare(IntPredicate::SLT, i, n32, "go")?;
        self.builder.build_conditional_branch(go, body_bb, done)?;
        self.builder.position_at_end(body_bb);
        body(self, i)?;
        let next = self
            .builder
            .build_int_add(i, i32t.const_int(1, false), "")?;
        self.builder.build_store(counter, next)?;
        self.builder.build_unconditional_branch(head)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    /// `a, b = lst`: the list must hold exactly as many items as there are places.
    pub(crate) fn unpack_list(
        &mut self,
        places: &'ir [strobe_ir::Place],
        item: &Type,
        list: PointerValue<'ctx>,
        line: Line,
    ) -> R<()> {
        let n = places.len() as u64;
        let len = self.list_len(list)?;
        let i32t = self.ctx.i32_type();
        let too_many =
            self.builder
                .build_int_compare(IntPredicate::SGT, len, i32t.const_int(n, false), "")?;
        let message = format!("too many values to unpack (expected {n})");
        self.raise_if(too_many, ExceptionId::ValueError, &message, line)?;
        for got in 0..n {
            let short = self.builder.build_int_compare(
                IntPredicate::EQ,
                len,
                i32t.const_int(got, false),
                "",
            )?;
            let message = format!("not enough values to unpack (expected {n}, got {got})");
            self.raise_if(short, ExceptionId::ValueError, &message, line)?;
        }
        for (i, place) in places.iter().enumerate() {
            let v = self.load_element(list, i32t.const_int(i as u64, false), item)?;
            self.store_place(place, v, item)?;
        }
        Ok(())
    }
}

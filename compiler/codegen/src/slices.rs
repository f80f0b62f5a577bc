//! Slices of lists and strings (`value[start:stop:step]`, a new list or str) and slice assignment
//! to lists, with Python's rules for absent, negative and out-of-range bounds.

use crate::emit::{Gen, R};
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use strobe_abi::ExceptionId;
use strobe_ir::{Expr, Line, SliceBounds, Type};

#[derive(Clone, Copy)]
enum Direction {
    Gather,
    Scatter,
}

/// The items a slice selects: `count` of them, from index `start` by `step`.
struct Selection<'ctx> {
    start: IntValue<'ctx>,
    step: IntValue<'ctx>,
    count: IntValue<'ctx>,
}

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    pub(crate) fn slice(
        &mut self,
        value: &'ir Expr,
        bounds: &'ir SliceBounds,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let v = self.expr(value)?;
        let bound_values = self.bound_values(bounds)?;
        match value.ty.items() {
            Some(elem) => {
                let list = v.into_pointer_value();
                let len = self.list_len(list)?;
                let sel = self.select_items(len, bound_values, line)?;
                let out = self.new_list(sel.count, elem, line)?;
                let zero = self.ctx.i32_type().const_zero();
                let (src, dst) = (
                    self.data_ptr(list, zero, elem)?,
                    self.data_ptr(out, zero, elem)?,
                );
                self.strided_copy(self.ll(elem), src, dst, &sel, Direction::Gather)?;
                Ok(out.into())
            }
            None => {
                // Strings: the bounds count code points (`len()` does too).
                let len = self.len(v, &Type::Str)?;
                let sel = self.select_items(len, bound_values, line)?;
                let (data, bytes) = self.str_parts(v)?;
                let out = self.entry_alloca(self.str_type(), "slice")?;
                let args = [
                    data,
                    bytes,
                    sel.start.into(),
                    sel.step.into(),
                    sel.count.into(),
                ];
                self.call_runtime("__strobe_str_slice", &[&args[..], &[out.into()]].concat())?;
                self.check_exception(line)?;
                Ok(self.builder.build_load(self.str_type(), out, "s")?)
            }
        }
    }

    /// `list[start:stop:step] = value`. With step 1 the list takes `value`'s items in place of
    /// the selected ones (its length may change; it stays the same list); with another step,
    /// `value` must have exactly as many items as are selected.
    pub(crate) fn assign_slice(
        &mut self,
        list: &'ir Expr,
        bounds: &'ir SliceBounds,
        value: BasicValueEnum<'ctx>,
        elem: &Type,
        line: Line,
    ) -> R<()> {
        let list = self.expr(list)?.into_pointer_value();
        let bound_values = self.bound_values(bounds)?;
        let value = value.into_pointer_value();
        let len = self.list_len(list)?;
        let sel = self.select_items(len, bound_values, line)?;
        let vlen = self.list_len(value)?;
        let i32t = self.ctx.i32_type();
        let (one, zero) = (i32t.const_int(1, false), i32t.const_zero());
        let unit_step = self
            .builder
            .build_int_compare(IntPredicate::EQ, sel.step, one, "")?;
        let (splice, extended, done) = (
            self.new_block("slice.splice"),
            self.new_block("slice.extended"),
            self.new_block("slice.done"),
        );
        self.builder
            .build_conditional_branch(unit_step, splice, extended)?;

        // Step 1: a new buffer of head + value + tail, taken over by the list's header.
        self.builder.position_at_end(splice);
        let b = &self.builder;
        let tail_at = b.build_int_add(sel.start, sel.count, "")?;
        let tail = b.build_int_sub(len, tail_at, "tail")?;
        let new_len = b.build_int_add(b.build_int_add(sel.start, vlen, "")?, tail, "")?;
        let fresh = self.new_list(new_len, elem, line)?;
        self.copy_elements(fresh, zero, list, sel.start, elem)?;
        self.copy_elements(fresh, sel.start, value, vlen, elem)?;
        let after_value = self.builder.build_int_add(sel.start, vlen, "")?;
        self.copy_range(fresh, after_value, list, tail_at, tail, elem)?;
        self.take_over(list, fresh)?;
        self.builder.build_unconditional_branch(done)?;

        // Another step: the same number of items, written one by one (from a copy, as `value`
        // may be the list itself).
        self.builder.position_at_end(extended);
        let differ = self
            .builder
            .build_int_compare(IntPredicate::NE, vlen, sel.count, "")?;
        let (mismatch, ok) = (self.new_block("slice.mismatch"), self.new_block("slice.ok"));
        self.builder
            .build_conditional_branch(differ, mismatch, ok)?;
        self.builder.position_at_end(mismatch);
        let message = self.size_mismatch_message(vlen, sel.count, line)?;
        self.raise_builtin_message(ExceptionId::ValueError, message, line)?;
        self.builder.position_at_end(ok);
        let copy = self.new_list(vlen, elem, line)?;
        self.copy_elements(copy, zero, value, vlen, elem)?;
        let (src, dst) = (
            self.data_ptr(copy, zero, elem)?,
            self.data_ptr(list, zero, elem)?,
        );
        self.strided_copy(self.ll(elem), src, dst, &sel, Direction::Scatter)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(done);
        Ok(())
    }

    fn bound_values(&mut self, bounds: &'ir SliceBounds) -> R<[Option<IntValue<'ctx>>; 3]> {
        let mut out = [None; 3];
        for (slot, b) in out
            .iter_mut()
            .zip([&bounds.start, &bounds.stop, &bounds.step])
        {
            if let Some(e) = b {
                *slot = Some(self.expr(e)?.into_int_value());
            }
        }
        Ok(out)
    }

    /// Rows `start..stop` of `len` by Python's rules: the first and how many.
    pub(crate) fn select_rows(
        &mut self,
        len: IntValue<'ctx>,
        bounds: [Option<IntValue<'ctx>>; 3],
        line: Line,
    ) -> R<(IntValue<'ctx>, IntValue<'ctx>)> {
        let sel = self.select_items(len, bounds, line)?;
        Ok((sel.start, sel.count))
    }

    /// Python's slice rules (`slice.indices`): absent bounds take the ends for the step's sign,
    /// negative ones count from the end, and out-of-range ones are clamped.
    fn select_items(
        &mut self,
        len: IntValue<'ctx>,
        [start, stop, step]: [Option<IntValue<'ctx>>; 3],
        line: Line,
    ) -> R<Selection<'ctx>> {
        let i32t = self.ctx.i32_type();
        let (zero, one, minus_one) = (
            i32t.const_zero(),
            i32t.const_int(1, false),
            i32t.const_all_ones(),
        );
        let step = step.unwrap_or(one);
        let is_zero = self
            .builder
            .build_int_compare(IntPredicate::EQ, step, zero, "")?;
        self.raise_if(
            is_zero,
            ExceptionId::ValueError,
            "slice step cannot be zero",
            line,
        )?;
        let b = &self.builder;
        let backwards = b.build_int_compare(IntPredicate::SLT, step, zero, "back")?;
        let last = b.build_int_sub(len, one, "")?;
        let low = b
            .build_select(backwards, minus_one, zero, "")?
            .into_int_value();
        let high = b.build_select(backwards, last, len, "")?.into_int_value();
        let clamp = |x: Option<IntValue<'ctx>>, default: IntValue<'ctx>| -> R<IntValue<'ctx>> {
            let Some(x) = x else { return Ok(default) };
            let negative = b.build_int_compare(IntPredicate::SLT, x, zero, "")?;
            let x = b
                .build_select(negative, b.build_int_add(x, len, "")?, x, "")?
                .into_int_value();
            let under = b.build_int_compare(IntPredicate::SLT, x, zero, "")?;
            let over = b.build_int_compare(IntPredicate::SGE, x, len, "")?;
            let x = b.build_select(over, high, x, "")?.into_int_value();
            Ok(b.build_select(under, low, x, "")?.into_int_value())
        };
        let start_default = b.build_select(backwards, high, low, "")?.into_int_value();
        let stop_default = b.build_select(backwards, low, high, "")?.into_int_value();
        let start = clamp(start, start_default)?;
        let stop = clamp(stop, stop_default)?;
        // Forward: (stop - start - 1) / step + 1 items when start < stop; backward, mirrored.
        let forward_distance = b.build_int_sub(stop, start, "")?;
        let backward_distance = b.build_int_sub(start, stop, "")?;
        let distance = b
            .build_select(backwards, backward_distance, forward_distance, "")?
            .into_int_value();
        let stride = b
            .build_select(backwards, b.build_int_neg(step, "")?, step, "")?
            .into_int_value();
        let nonempty = b.build_int_compare(IntPredicate::SGT, distance, zero, "")?;
        let n = b.build_int_add(
            b.build_int_signed_div(b.build_int_sub(distance, one, "")?, stride, "")?,
            one,
            "",
        )?;
        let count = b.build_select(nonempty, n, zero, "count")?.into_int_value();
        Ok(Selection { start, step, count })
    }

    /// Copies the selected items: gathered from `src` into `dst[0..count]`, or scattered from
    /// `src[0..count]` into `dst`.
    fn strided_copy(
        &mut self,
        et: BasicTypeEnum<'ctx>,
        src: PointerValue<'ctx>,
        dst: PointerValue<'ctx>,
        sel: &Selection<'ctx>,
        direction: Direction,
    ) -> R<()> {
        self.counted_loop(sel.count, |this, k| {
            let b = &this.builder;
            let at = b.build_int_add(sel.start, b.build_int_mul(k, sel.step, "")?, "at")?;
            let (from, to) = match direction {
                Direction::Gather => (at, k),
                Direction::Scatter => (k, at),
            };
            // SAFETY: `at` is a selected index of its buffer (< its length); `k < count`, the
            // number of items the other holds.
            let (from, to) = unsafe {
                (
                    b.build_in_bounds_gep(et, src, &[from], "")?,
                    b.build_in_bounds_gep(et, dst, &[to], "")?,
                )
            };
            let item = b.build_load(et, from, "")?;
            b.build_store(to, item)?;
            Ok(())
        })
    }

    /// `list` takes over `fresh`'s items (its header's length, capacity and buffer).
    fn take_over(&mut self, list: PointerValue<'ctx>, fresh: PointerValue<'ctx>) -> R<()> {
        let header = self.list_header_type();
        for field in ["len", "cap", "data"] {
            let index = strobe_abi::layout::LIST_HEADER.index(field);
            let from = self.builder.build_struct_gep(header, fresh, index, "")?;
            let to = self.builder.build_struct_gep(header, list, index, "")?;
            let ft = header
                .get_field_type_at_index(index)
                .unwrap_or(self.ctx.i32_type().into());
            let v = self.builder.build_load(ft, from, "")?;
            self.builder.build_store(to, v)?;
        }
        Ok(())
    }

    /// CPython's message for an extended slice assignment of the wrong size.
    fn size_mismatch_message(
        &mut self,
        given: IntValue<'ctx>,
        selected: IntValue<'ctx>,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let mut message = self
            .const_str("attempt to assign sequence of size ")?
            .into();
        let given = self.stringify(given.into(), &Type::Int32, line)?;
        message = self.str_concat(message, given, line)?;
        let middle = self.const_str(" to extended slice of size ")?.into();
        message = self.str_concat(message, middle, line)?;
        let selected = self.stringify(selected.into(), &Type::Int32, line)?;
        self.str_concat(message, selected, line)
    }
}

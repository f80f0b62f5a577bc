//! numpy arrays: a header (`strobe_abi::ArrayHeader`: the elements as a list, then the shape) over
//! row-major elements. Indexing by fewer indices than dimensions, and slicing, give views: new
//! headers over the same elements. Elementwise operations loop over all elements at once.

use crate::emit::{Gen, Layout, R};
use inkwell::types::{BasicTypeEnum, StructType};
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;
use strobe_abi::layout::{ARRAY_HEADER, LIST_HEADER};
use strobe_abi::ExceptionId;
use strobe_ir::{Expr, Line, LocalId, Type};

/// An array's element type and dimensions.
pub(crate) fn array_parts(t: &Type) -> (&Type, u8) {
    match t {
        Type::Array(elem, dims) => (elem, *dims),
        other => (other, 0),
    }
}

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// The header of an array of `dims` dimensions: the list header, then the shape.
    fn array_header_type(&self, dims: u8) -> StructType<'ctx> {
        let list: BasicTypeEnum = self.list_header_type().into();
        let shape = self.ctx.i32_type().array_type(dims as u32).into();
        self.ctx.struct_type(&[list, shape], false)
    }

    fn shape_slot(&self, array: PointerValue<'ctx>, dims: u8, d: usize) -> R<PointerValue<'ctx>> {
        let i32t = self.ctx.i32_type();
        let at = ARRAY_HEADER.fields.len() as u64;
        // SAFETY (LLVM): `d < dims`, within the shape array of this header type.
        Ok(unsafe {
            self.builder.build_in_bounds_gep(
                self.array_header_type(dims),
                array,
                &[
                    i32t.const_zero(),
                    i32t.const_int(at, false),
                    i32t.const_int(d as u64, false),
                ],
                "shape.ptr",
            )?
        })
    }

    pub(crate) fn array_shape(
        &self,
        array: PointerValue<'ctx>,
        dims: u8,
    ) -> R<Vec<IntValue<'ctx>>> {
        (0..dims as usize)
            .map(|d| {
                let p = self.shape_slot(array, dims, d)?;
                Ok(self
                    .builder
                    .build_load(self.ctx.i32_type(), p, "dim")?
                    .into_int_value())
            })
            .collect()
    }

    fn product(&self, dims: &[IntValue<'ctx>]) -> R<IntValue<'ctx>> {
        let mut n = self.ctx.i32_type().const_int(1, false);
        for d in dims {
            n = self.builder.build_int_mul(n, *d, "size")?;
        }
        Ok(n)
    }

    /// A header of `shape` over the elements at `data` (a view, or a new array's own).
    fn array_header(
        &self,
        data: PointerValue<'ctx>,
        shape: &[IntValue<'ctx>],
        line: Line,
    ) -> R<PointerValue<'ctx>> {
        let dims = shape.len() as u8;
        let header = self.array_header_type(dims);
        let array = self.alloc(header.size_of_abi(self), header.align_of_abi(self), line)?;
        let len = self.product(shape)?;
        for (field, v) in [
            ("len", BasicValueEnum::from(len)),
            ("cap", len.into()),
            ("data", data.into()),
        ] {
            let p = self.builder.build_struct_gep(
                self.list_header_type(),
                array,
                LIST_HEADER.index(field),
                "",
            )?;
            self.builder.build_store(p, v)?;
        }
        for (d, n) in shape.iter().enumerate() {
            let p = self.shape_slot(array, dims, d)?;
            self.builder.build_store(p, *n)?;
        }
        Ok(array)
    }

    /// A new array of `shape` (elements uninitialized).
    fn new_array(
        &self,
        shape: &[IntValue<'ctx>],
        elem: &Type,
        line: Line,
    ) -> R<PointerValue<'ctx>> {
        let len = self.product(shape)?;
        let et = self.ll(elem);
        let size = self.ctx.i32_type().const_int(et.size_of_abi(self), false);
        let bytes = self.builder.build_int_mul(len, size, "bytes")?;
        let data = self.alloc_dynamic(bytes, et.align_of_abi(self), line)?;
        self.array_header(data, shape, line)
    }

    /// The flat position of `array[indices...]` (each checked against its dimension, negative ones
    /// counting from the end) times the size of what is left, and the shape that is left.
    fn locate(
        &mut self,
        array: PointerValue<'ctx>,
        dims: u8,
        indices: &'ir [Expr],
        line: Line,
    ) -> R<(IntValue<'ctx>, Vec<IntValue<'ctx>>)> {
        let shape = self.array_shape(array, dims)?;
        let mut offset = self.ctx.i32_type().const_zero();
        for (index, n) in indices.iter().zip(shape.iter()) {
            let i = self.expr(index)?.into_int_value();
            let i = self.position(i, *n, "array index out of range", line)?;
            let scaled = self.builder.build_int_mul(offset, *n, "")?;
            offset = self.builder.build_int_add(scaled, i, "offset")?;
        }
        let rest = shape[indices.len()..].to_vec();
        let offset = self
            .builder
            .build_int_mul(offset, self.product(&rest)?, "at")?;
        Ok((offset, rest))
    }

    /// `array[indices...]`: an element, or a view of the rest.
    pub(crate) fn array_index(
        &mut self,
        array: &'ir Expr,
        indices: &'ir [Expr],
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let (elem, dims) = array_parts(&array.ty);
        let a = self.expr(array)?.into_pointer_value();
        let (offset, rest) = self.locate(a, dims, indices, line)?;
        let p = self.data_ptr(a, offset, elem)?;
        if rest.is_empty() {
            self.load_item(p, elem)
        } else {
            Ok(self.array_header(p, &rest, line)?.into())
        }
    }

    /// `array[indices...] = v` with every dimension indexed.
    pub(crate) fn store_array_element(
        &mut self,
        array: &'ir Expr,
        indices: &'ir [Expr],
        v: BasicValueEnum<'ctx>,
        line: Line,
    ) -> R<()> {
        let (elem, dims) = array_parts(&array.ty);
        let a = self.expr(array)?.into_pointer_value();
        let (offset, _) = self.locate(a, dims, indices, line)?;
        let p = self.data_ptr(a, offset, elem)?;
        self.builder.build_store(p, v)?;
        Ok(())
    }

    /// `array[start:stop]`: a view of those rows (Python's clamping of the bounds).
    pub(crate) fn array_slice(
        &mut self,
        array: &'ir Expr,
        start: Option<&'ir Expr>,
        stop: Option<&'ir Expr>,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let (elem, dims) = array_parts(&array.ty);
        let a = self.expr(array)?.into_pointer_value();
        let mut bounds = [None; 3];
        for (slot, b) in bounds.iter_mut().zip([start, stop]) {
            if let Some(e) = b {
                *slot = Some(self.expr(e)?.into_int_value());
            }
        }
        let mut shape = self.array_shape(a, dims)?;
        let rows = self.select_rows(shape[0], bounds, line)?;
        let row = self.product(&shape[1..])?;
        let first = self.builder.build_int_mul(rows.0, row, "first")?;
        let p = self.data_ptr(a, first, elem)?;
        shape[0] = rows.1;
        Ok(self.array_header(p, &shape, line)?.into())
    }

    /// `array.shape` as a tuple.
    pub(crate) fn array_shape_tuple(&mut self, array: &'ir Expr) -> R<BasicValueEnum<'ctx>> {
        let (_, dims) = array_parts(&array.ty);
        let a = self.expr(array)?.into_pointer_value();
        let shape = self.array_shape(a, dims)?;
        let i32t = self.ctx.i32_type().into();
        let st = self.ctx.struct_type(&vec![i32t; dims as usize], false);
        let mut t = st.get_undef();
        for (d, n) in shape.into_iter().enumerate() {
            t = self
                .builder
                .build_insert_value(t, n, d as u32, "shape")?
                .into_struct_value();
        }
        Ok(t.into())
    }

    /// Raises ValueError unless the two shapes are equal.
    fn check_same_shape(
        &self,
        a: &[IntValue<'ctx>],
        b: &[IntValue<'ctx>],
        message: &str,
        line: Line,
    ) -> R<()> {
        for (x, y) in a.iter().zip(b.iter()) {
            let differ = self
                .builder
                .build_int_compare(IntPredicate::NE, *x, *y, "differ")?;
            self.raise_if(differ, ExceptionId::ValueError, message, line)?;
        }
        Ok(())
    }

    /// Elementwise: `body` per element, its operands' locals holding numbers or the elements.
    pub(crate) fn array_map(
        &mut self,
        operands: &'ir [(LocalId, Expr)],
        body: &'ir Expr,
        in_place: bool,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let mut arrays: Vec<(LocalId, PointerValue<'ctx>, &'ir Type)> = Vec::new();
        let mut dims = 0;
        for (local, operand) in operands {
            let v = self.expr(operand)?;
            match &operand.ty {
                Type::Array(elem, n) => {
                    dims = *n;
                    arrays.push((*local, v.into_pointer_value(), elem));
                }
                _ => {
                    self.builder.build_store(self.local_slot(*local), v)?;
                }
            }
        }
        let Some(&(_, first, _)) = arrays.first() else {
            return Err(crate::CodegenError::Llvm(
                "an elementwise operation without an array".into(),
            ));
        };
        let shape = self.array_shape(first, dims)?;
        for &(_, other, _) in &arrays[1..] {
            let other_shape = self.array_shape(other, dims)?;
            self.check_same_shape(
                &shape,
                &other_shape,
                "operands could not be broadcast together: arrays of different shapes",
                line,
            )?;
        }
        let out = if in_place {
            first
        } else {
            self.new_array(&shape, &body.ty, line)?
        };
        let len = self.list_len(first)?;
        self.counted_loop(len, |this, k| {
            for &(local, array, elem) in &arrays {
                let item = this.load_element(array, k, elem)?;
                this.builder.build_store(this.local_slot(local), item)?;
            }
            let value = this.expr(body)?;
            let p = this.data_ptr(out, k, &body.ty)?;
            this.builder.build_store(p, value)?;
            Ok(())
        })?;
        Ok(out.into())
    }

    /// `left @ right`: a vector is a 1-row matrix on the left, a 1-column one on the right.
    pub(crate) fn matmul(
        &mut self,
        left: &'ir Expr,
        right: &'ir Expr,
        ty: &Type,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let (elem, ldims) = array_parts(&left.ty);
        let (_, rdims) = array_parts(&right.ty);
        let (l, r) = (
            self.expr(left)?.into_pointer_value(),
            self.expr(right)?.into_pointer_value(),
        );
        let one = self.ctx.i32_type().const_int(1, false);
        let (ls, rs) = (self.array_shape(l, ldims)?, self.array_shape(r, rdims)?);
        let (m, n) = if ldims == 2 {
            (ls[0], ls[1])
        } else {
            (one, ls[0])
        };
        let (n2, p) = if rdims == 2 {
            (rs[0], rs[1])
        } else {
            (rs[0], one)
        };
        self.check_same_shape(
            &[n],
            &[n2],
            "matmul: the inner dimensions of the operands differ",
            line,
        )?;
        let (_, out_dims) = array_parts(ty);
        let out_shape: Vec<IntValue> = match (ldims, rdims) {
            (2, 2) => vec![m, p],
            (2, _) => vec![m],
            (_, 2) => vec![p],
            _ => vec![],
        };
        let out = if out_dims > 0 {
            Some(self.new_array(&out_shape, elem, line)?)
        } else {
            None
        };
        let acc = self.entry_alloca(self.ll(elem), "dot")?;
        let zero: BasicValueEnum = match elem {
            Type::Float => self.ctx.f64_type().const_zero().into(),
            other => self.ll(other).into_int_type().const_zero().into(),
        };
        self.counted_loop(m, |this, i| {
            this.counted_loop(p, |this, j| {
                this.builder.build_store(acc, zero)?;
                this.counted_loop(n, |this, k| {
                    let li = this.builder.build_int_mul(i, n, "")?;
                    let li = this.builder.build_int_add(li, k, "")?;
                    let ri = this.builder.build_int_mul(k, p, "")?;
                    let ri = this.builder.build_int_add(ri, j, "")?;
                    let x = this.load_element(l, li, elem)?;
                    let y = this.load_element(r, ri, elem)?;
                    let sum = this.builder.build_load(this.ll(elem), acc, "sum")?;
                    let next: BasicValueEnum = match elem {
                        Type::Float => {
                            let b = &this.builder;
                            let xy =
                                b.build_float_mul(x.into_float_value(), y.into_float_value(), "")?;
                            b.build_float_add(sum.into_float_value(), xy, "")?.into()
                        }
                        _ => {
                            let b = &this.builder;
                            let xy = b.build_int_mul(x.into_int_value(), y.into_int_value(), "")?;
                            b.build_int_add(sum.into_int_value(), xy, "")?.into()
                        }
                    };
                    this.builder.build_store(acc, next)?;
                    Ok(())
                })?;
                if let Some(out) = out {
                    let at = this.builder.build_int_mul(i, p, "")?;
                    let at = this.builder.build_int_add(at, j, "")?;
                    let sum = this.builder.build_load(this.ll(elem), acc, "sum")?;
                    let slot = this.data_ptr(out, at, elem)?;
                    this.builder.build_store(slot, sum)?;
                }
                Ok(())
            })
        })?;
        match out {
            Some(out) => Ok(out.into()),
            None => Ok(self.builder.build_load(self.ll(elem), acc, "dot")?),
        }
    }
}

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// `array(value)` of nested lists (or arrays): the shape is read along the first items, then
    /// every list is checked against it while the elements are copied in order.
    pub(crate) fn array_from(
        &mut self,
        value: &'ir Expr,
        ty: &Type,
        line: Line,
    ) -> R<BasicValueEnum<'ctx>> {
        let (elem, dims) = array_parts(ty);
        let v = self.expr(value)?.into_pointer_value();
        let empty = self.empty_stand_in(dims)?;
        let mut shape = Vec::new();
        let (mut cur, mut t) = (v, &value.ty);
        while let Type::List(inner) = t {
            let len = self.list_len(cur)?;
            shape.push(len);
            if !matches!(**inner, Type::List(_) | Type::Array(..)) {
                break;
            }
            // An empty list has no first item: its stand-in is empty at every level below.
            let nonempty = self.builder.build_int_compare(
                IntPredicate::SGT,
                len,
                len.get_type().const_zero(),
                "nonempty",
            )?;
            let list = self
                .builder
                .build_select(nonempty, cur, empty, "list")?
                .into_pointer_value();
            let zero = self.ctx.i32_type().const_zero();
            cur = self.load_element(list, zero, inner)?.into_pointer_value();
            t = inner;
        }
        if let Type::Array(_, n) = t {
            shape.extend(self.array_shape(cur, *n)?);
        }
        let out = self.new_array(&shape, elem, line)?;
        let pos = self.entry_alloca(self.ctx.i32_type(), "pos")?;
        self.builder
            .build_store(pos, self.ctx.i32_type().const_zero())?;
        self.fill_array(out, pos, v, &value.ty, &shape, elem, line)?;
        Ok(out.into())
    }

    /// A zeroed array header of `dims` dimensions whose one item (read past its zero length) is
    /// itself: an empty list or array at every level.
    fn empty_stand_in(&mut self, dims: u8) -> R<PointerValue<'ctx>> {
        let header = self.array_header_type(dims);
        let empty = self.entry_alloca(header, "empty")?;
        self.builder.build_store(empty, header.const_zero())?;
        let item = self.entry_alloca(self.ptr_type(), "empty.item")?;
        self.builder.build_store(item, empty)?;
        let data = self.builder.build_struct_gep(
            self.list_header_type(),
            empty,
            LIST_HEADER.index("data"),
            "",
        )?;
        self.builder.build_store(data, item)?;
        Ok(empty)
    }

    /// Copies the elements of `v` (of type `ty`, at `shape`'s level `shape.len() - rest`) to `out`
    /// from `*pos` on.
    #[allow(clippy::too_many_arguments)]
    fn fill_array(
        &mut self,
        out: PointerValue<'ctx>,
        pos: PointerValue<'ctx>,
        v: PointerValue<'ctx>,
        ty: &Type,
        shape: &[IntValue<'ctx>],
        elem: &Type,
        line: Line,
    ) -> R<()> {
        const RAGGED: &str = "array() of lists of different lengths: an array must be rectangular";
        let i32t = self.ctx.i32_type();
        match ty {
            Type::List(inner) => {
                let len = self.list_len(v)?;
                self.check_same_shape(&[len], &shape[..1], RAGGED, line)?;
                self.counted_loop(len, |this, k| {
                    let item = this.load_element(v, k, inner)?;
                    if matches!(**inner, Type::List(_) | Type::Array(..)) {
                        let item = item.into_pointer_value();
                        return this.fill_array(out, pos, item, inner, &shape[1..], elem, line);
                    }
                    let at = this.builder.build_load(i32t, pos, "pos")?.into_int_value();
                    let p = this.data_ptr(out, at, elem)?;
                    this.builder.build_store(p, item)?;
                    let next = this
                        .builder
                        .build_int_add(at, i32t.const_int(1, false), "")?;
                    this.builder.build_store(pos, next)?;
                    Ok(())
                })
            }
            Type::Array(_, n) => {
                let own = self.array_shape(v, *n)?;
                self.check_same_shape(&own, shape, RAGGED, line)?;
                let count = self.list_len(v)?;
                let at = self.builder.build_load(i32t, pos, "pos")?.into_int_value();
                self.copy_elements(out, at, v, count, elem)?;
                let next = self.builder.build_int_add(at, count, "")?;
                self.builder.build_store(pos, next)?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// As ARTIQ prints an array: `array([[1, 2], [3, 4]])`.
    pub(crate) fn write_array(&mut self, array: PointerValue<'ctx>, ty: &Type) -> R<()> {
        let (elem, dims) = array_parts(ty);
        let shape = self.array_shape(array, dims)?;
        self.write_text("array(")?;
        let zero = self.ctx.i32_type().const_zero();
        self.write_rows(array, elem, &shape, zero)?;
        self.write_text(")")
    }

    fn write_rows(
        &mut self,
        array: PointerValue<'ctx>,
        elem: &Type,
        shape: &[IntValue<'ctx>],
        base: IntValue<'ctx>,
    ) -> R<()> {
        let outer = self.builder.build_int_mul(base, shape[0], "")?;
        self.write_items(shape[0], |this, i| {
            let at = this.builder.build_int_add(outer, i, "")?;
            if shape.len() == 1 {
                let item = this.load_element(array, at, elem)?;
                this.write_value(item, elem, true)
            } else {
                this.write_rows(array, elem, &shape[1..], at)
            }
        })
    }
}

impl<'ctx> Gen<'ctx, '_> {
    /// numpy's (2.x) truth value: its one element's; an empty array or one of more elements
    /// raises ValueError with numpy's message.
    pub(crate) fn array_truthy(
        &mut self,
        array: PointerValue<'ctx>,
        elem: &Type,
        line: Line,
    ) -> R<IntValue<'ctx>> {
        let len = self.list_len(array)?;
        let i32t = self.ctx.i32_type();
        for (predicate, message) in [
            (
                IntPredicate::EQ,
                "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.",
            ),
            (
                IntPredicate::UGT,
                "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
            ),
        ] {
            let bad = self.builder.build_int_compare(
                predicate,
                len,
                i32t.const_int(u64::from(predicate == IntPredicate::UGT), false),
                "ambiguous",
            )?;
            self.raise_if(bad, ExceptionId::ValueError, message, line)?;
        }
        let item = self.load_element(array, i32t.const_zero(), elem)?;
        self.truthy(item, elem, line)
    }
}

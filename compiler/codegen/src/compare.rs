//! Comparisons of compound values: tuples and lists element by element, then by length (as
//! Python's), and the identity of lists and objects (`is`).

use crate::emit::{Gen, R};
use inkwell::values::{BasicValueEnum, IntValue};
use inkwell::IntPredicate;
use strobe_ir::{CmpKind, Type};

impl<'ctx, 'ir> Gen<'ctx, 'ir> {
    /// `l op r` for values of type `ty`.
    pub(crate) fn compare(
        &mut self,
        op: CmpKind,
        ty: &Type,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
    ) -> R<IntValue<'ctx>> {
        match (op, ty) {
            (CmpKind::Same | CmpKind::NotSame, _) => {
                let p = if op == CmpKind::Same {
                    IntPredicate::EQ
                } else {
                    IntPredicate::NE
                };
                let b = &self.builder;
                let (l, r) = (l.into_pointer_value(), r.into_pointer_value());
                let (l, r) = (
                    b.build_ptr_to_int(l, self.ctx.i32_type(), "")?,
                    b.build_ptr_to_int(r, self.ctx.i32_type(), "")?,
                );
                Ok(b.build_int_compare(p, l, r, "same")?)
            }
            (_, Type::Tuple(items)) => self.compare_tuples(op, items, l, r),
            (_, Type::List(item)) => self.compare_lists(op, item, l, r),
            (_, Type::Bytes | Type::ByteArray) => self.compare_lists(op, &Type::Byte, l, r),
            _ => self.compare_scalars(op, ty, l, r),
        }
    }

    /// The first differing element decides; with none, the lengths do.
    fn compare_tuples(
        &mut self,
        op: CmpKind,
        items: &[Type],
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
    ) -> R<IntValue<'ctx>> {
        let result = self.entry_alloca(self.ctx.bool_type(), "cmp.result")?;
        let done = self.new_block("cmp.done");
        let (l, r) = (l.into_struct_value(), r.into_struct_value());
        for (i, item) in items.iter().enumerate() {
            let a = self.builder.build_extract_value(l, i as u32, "")?;
            let b = self.builder.build_extract_value(r, i as u32, "")?;
            self.decide_unless_equal(op, item, a, b, result, done)?;
        }
        // Equal element by element, and of one length.
        let equal = matches!(op, CmpKind::Eq | CmpKind::Le | CmpKind::Ge);
        let v = self.ctx.bool_type().const_int(equal as u64, false);
        self.decided(v, result, done)
    }

    fn compare_lists(
        &mut self,
        op: CmpKind,
        item: &Type,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
    ) -> R<IntValue<'ctx>> {
        let result = self.entry_alloca(self.ctx.bool_type(), "cmp.result")?;
        let done = self.new_block("cmp.done");
        let (l, r) = (l.into_pointer_value(), r.into_pointer_value());
        let (ln, rn) = (self.list_len(l)?, self.list_len(r)?);
        let shorter = self
            .builder
            .build_int_compare(IntPredicate::SLT, ln, rn, "")?;
        let common = self
            .builder
            .build_select(shorter, ln, rn, "common")?
            .into_int_value();
        self.counted_loop(common, |this, i| {
            let a = this.load_element(l, i, item)?;
            let b = this.load_element(r, i, item)?;
            this.decide_unless_equal(op, item, a, b, result, done)
        })?;
        let by_length = self.compare_scalars(op, &Type::Int32, ln.into(), rn.into())?;
        self.decided(by_length, result, done)
    }

    /// No element decided: `answer` is the result; every path meets at `done`.
    fn decided(
        &mut self,
        answer: IntValue<'ctx>,
        result: inkwell::values::PointerValue<'ctx>,
        done: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> R<IntValue<'ctx>> {
        self.builder.build_store(result, answer)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(done);
        Ok(self
            .builder
            .build_load(self.ctx.bool_type(), result, "cmp")?
            .into_int_value())
    }

    /// When `a != b`, stores the comparison's answer (decided by this pair) and branches to `done`;
    /// otherwise carries on in a new block.
    fn decide_unless_equal(
        &mut self,
        op: CmpKind,
        ty: &Type,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
        result: inkwell::values::PointerValue<'ctx>,
        done: inkwell::basic_block::BasicBlock<'ctx>,
    ) -> R<()> {
        let equal = self.compare(CmpKind::Eq, ty, a, b)?;
        let (differ, next) = (self.new_block("cmp.differ"), self.new_block("cmp.next"));
        self.builder.build_conditional_branch(equal, next, differ)?;
        self.builder.position_at_end(differ);
        let answer = match op {
            CmpKind::Eq => self.ctx.bool_type().const_zero(),
            CmpKind::Ne => self.ctx.bool_type().const_int(1, false),
            _ => self.compare(op, ty, a, b)?,
        };
        self.builder.build_store(result, answer)?;
        self.builder.build_unconditional_branch(done)?;
        self.builder.position_at_end(next);
        Ok(())
    }
}

//! The layouts of the structs that cross the kernel ABI, as data: the compiler builds its LLVM struct
//! types and field indices from these, and const assertions in this crate check them against the
//! `#[repr(C)]` Rust structs the runtime uses, for the pointer width of whatever target builds it.

use crate::AbiType;

/// A field's type: a scalar or a nested struct.
#[derive(Clone, Copy, Debug)]
pub enum FieldType {
    Scalar(AbiType),
    Struct(&'static Layout),
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
}

/// A C struct: its fields in order.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub name: &'static str,
    pub fields: &'static [Field],
}

const fn scalar(name: &'static str, ty: AbiType) -> Field {
    Field {
        name,
        ty: FieldType::Scalar(ty),
    }
}

const fn nested(name: &'static str, layout: &'static Layout) -> Field {
    Field {
        name,
        ty: FieldType::Struct(layout),
    }
}

/// A kernel string ([`crate::Str`]).
pub const STR: Layout = Layout {
    name: "Str",
    fields: &[scalar("ptr", AbiType::Ptr), scalar("len", AbiType::U32)],
};

/// A list header ([`crate::ListHeader`]).
pub const LIST_HEADER: Layout = Layout {
    name: "ListHeader",
    fields: &[
        scalar("len", AbiType::U32),
        scalar("cap", AbiType::U32),
        scalar("data", AbiType::Ptr),
    ],
};

/// A numpy array's header ([`crate::ArrayHeader`]): the list of its elements; the shape's u32s
/// follow at [`Layout::size`].
pub const ARRAY_HEADER: Layout = Layout {
    name: "ArrayHeader",
    fields: &[nested("items", &LIST_HEADER)],
};

/// An exception object ([`crate::Exception`]).
pub const EXCEPTION: Layout = Layout {
    name: "Exception",
    fields: &[
        scalar("type_id", AbiType::U32),
        nested("name", &STR),
        nested("message", &STR),
    ],
};

/// A source location ([`crate::SourceLocation`]).
pub const SOURCE_LOCATION: Layout = Layout {
    name: "SourceLocation",
    fields: &[
        nested("file", &STR),
        scalar("line", AbiType::U32),
        nested("function", &STR),
        nested("text", &STR),
    ],
};

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn scalar_size(ty: AbiType, pointer: usize) -> usize {
    match ty {
        AbiType::Bool => 1,
        AbiType::I32 | AbiType::U32 => 4,
        AbiType::I64 | AbiType::F64 => 8,
        AbiType::Ptr => pointer,
    }
}

const fn align_up(n: usize, align: usize) -> usize {
    n.div_ceil(align) * align
}

impl FieldType {
    /// (size, alignment) for a target whose pointers are `pointer` bytes.
    pub const fn size_align(&self, pointer: usize) -> (usize, usize) {
        match self {
            FieldType::Scalar(t) => {
                let size = scalar_size(*t, pointer);
                // rv32's ilp32 aligns 8-byte scalars to 8, as x86-64 does.
                (size, size)
            }
            FieldType::Struct(layout) => (layout.size(pointer), layout.align(pointer)),
        }
    }
}

impl Layout {
    /// The index of field `name` (a compile-time error when used in a const and missing).
    pub const fn index(&self, name: &str) -> u32 {
        let mut i = 0;
        while i < self.fields.len() {
            if same(self.fields[i].name, name) {
                return i as u32;
            }
            i += 1;
        }
        panic!("no such field in this ABI layout")
    }

    pub const fn align(&self, pointer: usize) -> usize {
        let mut align = 1;
        let mut i = 0;
        while i < self.fields.len() {
            let (_, a) = self.fields[i].ty.size_align(pointer);
            if a > align {
                align = a;
            }
            i += 1;
        }
        align
    }

    /// Byte offset of field `name` under C layout rules.
    pub const fn offset(&self, name: &str, pointer: usize) -> usize {
        let index = self.index(name) as usize;
        let mut offset = 0;
        let mut i = 0;
        while i <= index {
            let (size, align) = self.fields[i].ty.size_align(pointer);
            offset = align_up(offset, align);
            if i == index {
                return offset;
            }
            offset += size;
            i += 1;
        }
        offset
    }

    pub const fn size(&self, pointer: usize) -> usize {
        let mut offset = 0;
        let mut i = 0;
        while i < self.fields.len() {
            let (size, align) = self.fields[i].ty.size_align(pointer);
            offset = align_up(offset, align) + size;
            i += 1;
        }
        align_up(offset, self.align(pointer))
    }
}

/// `layout` describes the Rust struct `$t` for this target: every field's offset and the size agree.
macro_rules! check_layout {
    ($layout:expr, $t:ty, $($field:ident),*) => {
        const _: () = {
            let pointer = core::mem::size_of::<usize>();
            assert!($layout.size(pointer) == core::mem::size_of::<$t>());
            assert!($layout.fields.len() == [$(stringify!($field)),*].len());
            $(assert!($layout.offset(stringify!($field), pointer) == core::mem::offset_of!($t, $field));)*
        };
    };
}

check_layout!(STR, crate::Str, ptr, len);
check_layout!(LIST_HEADER, crate::ListHeader, len, cap, data);
check_layout!(EXCEPTION, crate::Exception, type_id, name, message);
check_layout!(ARRAY_HEADER, crate::ArrayHeader, items);
const _: () = assert!(
    ARRAY_HEADER.size(core::mem::size_of::<usize>())
        == core::mem::offset_of!(crate::ArrayHeader, shape)
);
check_layout!(
    SOURCE_LOCATION,
    crate::SourceLocation,
    file,
    line,
    function,
    text
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rv32_layouts() {
        assert_eq!(STR.size(4), 8);
        assert_eq!(LIST_HEADER.offset("data", 4), 8);
        assert_eq!(EXCEPTION.size(4), 20);
        assert_eq!(SOURCE_LOCATION.offset("text", 4), 20);
        assert_eq!(SOURCE_LOCATION.size(4), 28);
    }
}

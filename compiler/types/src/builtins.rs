//! Builtin functions and methods of the kernel language.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Print,
    Len,
    Range,
    Int,
    Int32,
    Int64,
    Float,
    Bool,
    Str,
    Abs,
    Min,
    Max,
}

impl Builtin {
    pub fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "print" => Builtin::Print,
            "len" => Builtin::Len,
            "range" => Builtin::Range,
            "int" => Builtin::Int,
            "int32" => Builtin::Int32,
            "int64" => Builtin::Int64,
            "float" => Builtin::Float,
            "bool" => Builtin::Bool,
            "str" => Builtin::Str,
            "abs" => Builtin::Abs,
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListMethod {
    Append,
    Pop,
}

impl ListMethod {
    pub fn lookup(name: &str) -> Option<ListMethod> {
        match name {
            "append" => Some(ListMethod::Append),
            "pop" => Some(ListMethod::Pop),
            _ => None,
        }
    }
}

//! Type annotations -> types. Accepts Python spellings (`int`, `list[float]`, `tuple[int, bool]`),
//! Strobe's `int32`/`int64`, and ARTIQ's (`TInt32`, `TList(TFloat)`, `TTuple([TInt32, TBool])`).

use crate::ty::{ClassId, Ty};
use strobe_syntax::ast::{Expr, ExprKind};
use strobe_syntax::Diagnostic;

pub fn annotation_type(
    e: &Expr,
    class: &dyn Fn(&str) -> Option<ClassId>,
) -> Result<Ty, Diagnostic> {
    let unknown =
        |what: &str| Diagnostic::error(e.span, format!("unsupported type annotation `{what}`"));
    match &e.kind {
        ExprKind::NoneLit => Ok(Ty::None),
        ExprKind::Str(s) => Err(unknown(s)),
        ExprKind::Name(n) => Ok(match n.as_str() {
            "int" | "int32" | "TInt32" => Ty::Int32,
            "int64" | "TInt64" => Ty::Int64,
            "float" | "TFloat" => Ty::Float,
            "bool" | "TBool" => Ty::Bool,
            "str" | "TStr" => Ty::Str,
            "bytes" | "TBytes" => Ty::Bytes,
            "bytearray" | "TByteArray" => Ty::ByteArray,
            "None" | "TNone" => Ty::None,
            "TRange32" => Ty::Range(Box::new(Ty::Int32)),
            "TRange64" => Ty::Range(Box::new(Ty::Int64)),
            other => match class(other) {
                Some(c) => Ty::Object(c),
                None => return Err(unknown(other)),
            },
        }),
        ExprKind::Subscript { value, index } => {
            let ExprKind::Name(n) = &value.kind else {
                return Err(unknown("?"));
            };
            match n.as_str() {
                "list" | "List" => Ok(Ty::List(Box::new(annotation_type(index, class)?))),
                "tuple" | "Tuple" => {
                    let items = match &index.kind {
                        ExprKind::Tuple(items) => items.iter().collect::<Vec<_>>(),
                        _ => vec![&**index],
                    };
                    Ok(Ty::Tuple(
                        items
                            .into_iter()
                            .map(|i| annotation_type(i, class))
                            .collect::<Result<_, _>>()?,
                    ))
                }
                other => Err(unknown(other)),
            }
        }
        ExprKind::Call {
            func,
            args,
            keywords,
        } if keywords.is_empty() => {
            let ExprKind::Name(n) = &func.kind else {
                return Err(unknown("?"));
            };
            match (n.as_str(), args.as_slice()) {
                ("TList", [elem]) => Ok(Ty::List(Box::new(annotation_type(elem, class)?))),
                ("TTuple", [list]) => match &list.kind {
                    ExprKind::List(items) => Ok(Ty::Tuple(
                        items
                            .iter()
                            .map(|i| annotation_type(i, class))
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err(unknown("TTuple")),
                },
                ("TArray", [elem]) => Ok(Ty::Array(Box::new(annotation_type(elem, class)?), 1)),
                ("TArray", [elem, dims]) => match dims.kind {
                    ExprKind::Int(n @ 1..=crate::MAX_ARRAY_DIMS) => {
                        Ok(Ty::Array(Box::new(annotation_type(elem, class)?), n as u8))
                    }
                    _ => Err(Diagnostic::error(
                        dims.span,
                        format!(
                            "an array's dimensions must be a number from 1 to {}",
                            crate::MAX_ARRAY_DIMS
                        ),
                    )),
                },
                (other, _) => Err(unknown(other)),
            }
        }
        _ => Err(unknown("expression")),
    }
}

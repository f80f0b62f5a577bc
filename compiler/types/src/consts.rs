//! Compile-time constants: module-level `NAME = value` and default argument values.

use crate::ty::Ty;
use std::collections::HashMap;
use strobe_syntax::ast::{self, BinOp, ExprKind, UnaryOp};
use strobe_syntax::Diagnostic;

#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    None,
    Tuple(Vec<ConstValue>),
}

impl ConstValue {
    /// Integers that fit in 32 bits are int32 (ARTIQ's default), larger ones int64.
    pub fn ty(&self) -> Ty {
        match self {
            ConstValue::Int(v) if i32::try_from(*v).is_ok() => Ty::Int32,
            ConstValue::Int(_) => Ty::Int64,
            ConstValue::Float(_) => Ty::Float,
            ConstValue::Bool(_) => Ty::Bool,
            ConstValue::Str(_) => Ty::Str,
            ConstValue::None => Ty::None,
            ConstValue::Tuple(vs) => Ty::Tuple(vs.iter().map(ConstValue::ty).collect()),
        }
    }
}

/// Evaluates a constant expression: literals, tuples, other constants, unary minus and arithmetic.
pub fn evaluate(
    e: &ast::Expr,
    constants: &HashMap<String, ConstValue>,
) -> Result<ConstValue, Diagnostic> {
    let not_constant = || {
        Diagnostic::error(e.span, "expected a constant value (a literal, a tuple of literals, or arithmetic on constants)")
    };
    Ok(match &e.kind {
        ExprKind::Int(v) => ConstValue::Int(*v),
        ExprKind::Float(v) => ConstValue::Float(*v),
        ExprKind::Bool(v) => ConstValue::Bool(*v),
        ExprKind::Str(s) => ConstValue::Str(s.clone()),
        ExprKind::NoneLit => ConstValue::None,
        ExprKind::Name(n) => constants.get(n).cloned().ok_or_else(not_constant)?,
        ExprKind::Tuple(items) => ConstValue::Tuple(
            items
                .iter()
                .map(|i| evaluate(i, constants))
                .collect::<Result<_, _>>()?,
        ),
        ExprKind::UnaryOp {
            op: UnaryOp::Neg,
            operand,
        } => match evaluate(operand, constants)? {
            ConstValue::Int(v) => ConstValue::Int(v.checked_neg().ok_or_else(not_constant)?),
            ConstValue::Float(v) => ConstValue::Float(-v),
            _ => return Err(not_constant()),
        },
        ExprKind::UnaryOp {
            op: UnaryOp::Pos,
            operand,
        } => evaluate(operand, constants)?,
        ExprKind::BinOp { op, left, right } => {
            let (l, r) = (evaluate(left, constants)?, evaluate(right, constants)?);
            fold_binop(*op, &l, &r).ok_or_else(not_constant)?
        }
        _ => return Err(not_constant()),
    })
}

/// For arithmetic on integer literals only (`2**32`, `-(1 << 40)`, `65536 * 65536`): its exact value,
/// or `Err` when that does not fit 64 bits. `None` for anything else: other expressions, those
/// that raise when run (`1 // 0`, a negative shift) and those of more than [`LITERAL_NODES`] nodes
/// (so asking at every operator of a long chain stays linear).
pub fn literal_arithmetic(e: &ast::Expr) -> Option<Result<i64, ()>> {
    /// The value in 128 bits (every step of 64-bit operands fits), or None.
    fn exact(e: &ast::Expr, budget: &mut u32) -> Option<i128> {
        *budget = budget.checked_sub(1)?;
        let fits = |v: i128| i64::try_from(v).is_ok().then_some(v);
        match &e.kind {
            ExprKind::Int(v) => Some(*v as i128),
            ExprKind::UnaryOp {
                op: UnaryOp::Neg,
                operand,
            } => Some(-exact(operand, budget)?),
            ExprKind::UnaryOp {
                op: UnaryOp::Pos,
                operand,
            } => exact(operand, budget),
            ExprKind::BinOp { op, left, right } => {
                let (a, b) = (exact(left, budget)?, exact(right, budget)?);
                // Beyond 64 bits the whole is out of range: carried as i128::MAX from here on.
                let (a, b) = (fits(a).unwrap_or(i128::MAX), fits(b).unwrap_or(i128::MAX));
                if a == i128::MAX || b == i128::MAX {
                    return Some(i128::MAX);
                }
                match op {
                    BinOp::Add => Some(a + b),
                    BinOp::Sub => Some(a - b),
                    BinOp::Mult => Some(a * b),
                    BinOp::Pow if b >= 0 => {
                        Some(a.checked_pow(u32::try_from(b).ok()?).unwrap_or(i128::MAX))
                    }
                    BinOp::LShift if b >= 0 => Some(match (a, b) {
                        (0, _) => 0,
                        (_, 0..=64) => a << b,
                        _ => i128::MAX,
                    }),
                    BinOp::FloorDiv if b != 0 => {
                        let q = a / b;
                        Some(q - i128::from(a % b != 0 && (a < 0) != (b < 0)))
                    }
                    BinOp::Mod if b != 0 => Some(((a % b) + b) % b),
                    _ => None,
                }
            }
            _ => None,
        }
    }
    let mut budget = LITERAL_NODES;
    let v = exact(e, &mut budget)?;
    Some(i64::try_from(v).map_err(|_| ()))
}

/// The most nodes [`literal_arithmetic`] looks at.
const LITERAL_NODES: u32 = 64;

fn fold_binop(op: BinOp, l: &ConstValue, r: &ConstValue) -> Option<ConstValue> {
    use ConstValue::{Float, Int};
    Some(match (l, r) {
        (Int(a), Int(b)) => match op {
            BinOp::Add => Int(a.checked_add(*b)?),
            BinOp::Sub => Int(a.checked_sub(*b)?),
            BinOp::Mult => Int(a.checked_mul(*b)?),
            BinOp::FloorDiv if *b != 0 => Int(a.div_euclid(*b)
                - if (a.rem_euclid(*b) != 0) && *b < 0 {
                    1
                } else {
                    0
                }),
            BinOp::Mod if *b != 0 => Int(((a % b) + b) % b),
            BinOp::Div if *b != 0 => Float(*a as f64 / *b as f64),
            BinOp::Pow if *b >= 0 => Int(a.checked_pow(u32::try_from(*b).ok()?)?),
            BinOp::LShift if (0..64).contains(b) => Int(a.checked_shl(*b as u32)?),
            BinOp::BitAnd => Int(a & b),
            BinOp::BitOr => Int(a | b),
            _ => return None,
        },
        (Int(_) | Float(_), Int(_) | Float(_)) => {
            let as_f = |v: &ConstValue| match v {
                Int(i) => *i as f64,
                Float(f) => *f,
                _ => 0.0,
            };
            let (a, b) = (as_f(l), as_f(r));
            match op {
                BinOp::Add => Float(a + b),
                BinOp::Sub => Float(a - b),
                BinOp::Mult => Float(a * b),
                BinOp::Div if b != 0.0 => Float(a / b),
                _ => return None,
            }
        }
        (ConstValue::Str(a), ConstValue::Str(b)) if op == BinOp::Add => {
            ConstValue::Str(format!("{a}{b}"))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_python_floor_division() {
        assert_eq!(
            fold_binop(BinOp::FloorDiv, &ConstValue::Int(-7), &ConstValue::Int(2)),
            Some(ConstValue::Int(-4))
        );
        assert_eq!(
            fold_binop(BinOp::FloorDiv, &ConstValue::Int(7), &ConstValue::Int(-2)),
            Some(ConstValue::Int(-4))
        );
        assert_eq!(
            fold_binop(BinOp::Mod, &ConstValue::Int(-7), &ConstValue::Int(2)),
            Some(ConstValue::Int(1))
        );
        assert_eq!(
            fold_binop(BinOp::Mod, &ConstValue::Int(7), &ConstValue::Int(-2)),
            Some(ConstValue::Int(-1))
        );
    }
}

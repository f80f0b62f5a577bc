//! Python numeric semantics the hardware lacks (integer powers) and number printing.
//! Float floor/fmod/pow come from compiler-builtins' libm, reached through LLVM intrinsics.

use crate::exceptions::raise_builtin;
use crate::float_repr::float_repr;
use crate::output::{write_stdout, StackBuffer};
use core::fmt::Write;
use strobe_abi::ExceptionId;

/// `base ** exp` on integers (wrapping like the hardware); a negative exponent raises ValueError.
#[no_mangle]
pub extern "C" fn __strobe_i64_pow(base: i64, exp: i64) -> i64 {
    if exp < 0 {
        raise_builtin(
            ExceptionId::ValueError,
            "ValueError",
            "negative exponent in integer power",
        );
        return 0;
    }
    let mut n = exp as u64;
    let mut result: i64 = 1;
    let mut square = base;
    while n > 0 {
        if n & 1 == 1 {
            result = result.wrapping_mul(square);
        }
        square = square.wrapping_mul(square);
        n >>= 1;
    }
    result
}

pub type IntText = StackBuffer<24>;

pub fn int_text(v: i64) -> IntText {
    let mut out = IntText::new();
    let _ = write!(out, "{}", v);
    out
}

#[no_mangle]
pub extern "C" fn __strobe_print_i32(v: i32) {
    write_stdout(int_text(v as i64).as_bytes());
}

#[no_mangle]
pub extern "C" fn __strobe_print_i64(v: i64) {
    write_stdout(int_text(v).as_bytes());
}

#[no_mangle]
pub extern "C" fn __strobe_print_f64(v: f64) {
    write_stdout(float_repr(v).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_power() {
        assert_eq!(__strobe_i64_pow(3, 4), 81);
        assert_eq!(__strobe_i64_pow(-2, 3), -8);
        assert_eq!(__strobe_i64_pow(7, 0), 1);
    }
}

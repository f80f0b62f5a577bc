//! `repr(float)` exactly as CPython prints it: shortest round-trip digits, fixed notation for
//! decimal exponents in [-4, 16), scientific (`1e-05`, `1.5e+16`) otherwise.

use crate::output::StackBuffer;
use core::fmt::Write;

pub type FloatText = StackBuffer<40>;

pub fn float_repr(v: f64) -> FloatText {
    let mut out = FloatText::new();
    if v.is_nan() {
        out.extend(b"nan");
        return out;
    }
    if v.is_sign_negative() {
        out.push(b'-');
    }
    let a = if v.is_sign_negative() { -v } else { v };
    if a.is_infinite() {
        out.extend(b"inf");
        return out;
    }
    // `{:e}` gives the shortest round-trip digits: "d[.ddd]e<exp>".
    let mut sci = StackBuffer::<40>::new();
    let _ = write!(sci, "{:e}", a);
    let text = sci.as_bytes();
    let e_pos = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
    let mut digits = StackBuffer::<24>::new();
    for &b in &text[..e_pos] {
        if b.is_ascii_digit() {
            digits.push(b);
        }
    }
    let exp = parse_exponent(&text[(e_pos + 1).min(text.len())..]);
    let digits = digits.as_bytes();
    let decpt = exp + 1; // value = 0.DIGITS * 10^decpt
    if -4 < decpt && decpt <= 16 {
        write_fixed(&mut out, digits, decpt);
    } else {
        write_scientific(&mut out, digits, exp);
    }
    out
}

fn parse_exponent(text: &[u8]) -> i32 {
    let (negative, body) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let magnitude = body
        .iter()
        .fold(0i32, |acc, &b| acc * 10 + (b - b'0') as i32);
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

fn write_fixed(out: &mut FloatText, digits: &[u8], decpt: i32) {
    let n = digits.len() as i32;
    if decpt <= 0 {
        out.extend(b"0.");
        for _ in 0..-decpt {
            out.push(b'0');
        }
        out.extend(digits);
    } else if decpt >= n {
        out.extend(digits);
        for _ in 0..decpt - n {
            out.push(b'0');
        }
        out.extend(b".0");
    } else {
        out.extend(&digits[..decpt as usize]);
        out.push(b'.');
        out.extend(&digits[decpt as usize..]);
    }
}

fn write_scientific(out: &mut FloatText, digits: &[u8], exp: i32) {
    out.push(digits[0]);
    if digits.len() > 1 {
        out.push(b'.');
        out.extend(&digits[1..]);
    }
    out.push(b'e');
    out.push(if exp < 0 { b'-' } else { b'+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push(b'0');
    }
    let _ = write!(out, "{}", e);
}

#[cfg(test)]
mod tests {
    use super::float_repr;

    fn repr(v: f64) -> &'static str {
        let text = float_repr(v);
        let s = core::str::from_utf8(text.as_bytes()).unwrap();
        // Leak into a static for comparison convenience in tests.
        extern crate std;
        std::boxed::Box::leak(std::string::String::from(s).into_boxed_str())
    }

    #[test]
    fn matches_cpython_repr() {
        let table: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e-05, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e16, "1.5e+16"),
            (123.456, "123.456"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.5e-300, "2.5e-300"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (1e22, "1e+22"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.30000000000000004, "0.30000000000000004"),
        ];
        for &(v, expected) in table {
            assert_eq!(repr(v), expected, "repr({v:?})");
        }
    }
}

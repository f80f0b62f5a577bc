//! Kernel strings: printing (plain and `repr`), conversion from numbers, concatenation, equality,
//! length and slices (both in code points, as CPython's).

use crate::arena;
use crate::exceptions::raise_builtin;
use crate::float_repr::float_repr;
use crate::numeric::int_text;
use crate::output::write_stdout;
use strobe_abi::{ExceptionId, Str};

/// # Safety
/// `ptr` must point at `len` readable bytes (or `len` be 0).
unsafe fn bytes<'a>(ptr: *const u8, len: u32) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        core::slice::from_raw_parts(ptr, len as usize)
    }
}

/// Copies `parts` into one arena string; on exhaustion the result is empty and MemoryError is pending.
fn concat_into(parts: &[&[u8]], out: *mut Str) {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let result = match arena::allocate(total, 1) {
        Some(dst) => {
            let mut at = 0;
            for part in parts {
                // SAFETY: dst has `total` bytes; parts sum to `total`.
                unsafe { core::ptr::copy_nonoverlapping(part.as_ptr(), dst.add(at), part.len()) };
                at += part.len();
            }
            Str {
                ptr: dst,
                len: total as u32,
            }
        }
        None => {
            raise_builtin(ExceptionId::MemoryError, "MemoryError", "");
            Str {
                ptr: core::ptr::null(),
                len: 0,
            }
        }
    };
    // SAFETY: `out` is a compiler-provided stack slot.
    unsafe { out.write(result) };
}

/// # Safety
/// `ptr`/`len` must describe a kernel string.
#[no_mangle]
pub unsafe extern "C" fn __strobe_print_str(ptr: *const u8, len: u32) {
    write_stdout(bytes(ptr, len));
}

/// Writes `repr(s)` as CPython does: single quotes unless the text has `'` and no `"`.
pub fn write_repr(text: &[u8], write: fn(&[u8])) {
    let quote = if text.contains(&b'\'') && !text.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    write(&[quote]);
    for &b in text {
        match b {
            b'\\' => write(b"\\\\"),
            b'\n' => write(b"\\n"),
            b'\r' => write(b"\\r"),
            b'\t' => write(b"\\t"),
            _ if b == quote => write(&[b'\\', b]),
            0..=0x1f | 0x7f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                write(&[b'\\', b'x', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            }
            _ => write(&[b]),
        }
    }
    write(&[quote]);
}

/// # Safety
/// `ptr`/`len` must describe a kernel string.
#[no_mangle]
pub unsafe extern "C" fn __strobe_print_repr_str(ptr: *const u8, len: u32) {
    write_repr(bytes(ptr, len), write_stdout);
}

#[no_mangle]
pub extern "C" fn __strobe_str_from_i32(v: i32, out: *mut Str) {
    concat_into(&[int_text(v as i64).as_bytes()], out);
}

#[no_mangle]
pub extern "C" fn __strobe_str_from_i64(v: i64, out: *mut Str) {
    concat_into(&[int_text(v).as_bytes()], out);
}

#[no_mangle]
pub extern "C" fn __strobe_str_from_f64(v: f64, out: *mut Str) {
    concat_into(&[float_repr(v).as_bytes()], out);
}

/// # Safety
/// Both pointer/length pairs must describe kernel strings; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn __strobe_str_concat(
    a: *const u8,
    a_len: u32,
    b: *const u8,
    b_len: u32,
    out: *mut Str,
) {
    concat_into(&[bytes(a, a_len), bytes(b, b_len)], out);
}

/// # Safety
/// Both pointer/length pairs must describe kernel strings.
#[no_mangle]
pub unsafe extern "C" fn __strobe_str_eq(
    a: *const u8,
    a_len: u32,
    b: *const u8,
    b_len: u32,
) -> bool {
    bytes(a, a_len) == bytes(b, b_len)
}

/// # Safety
/// The pointer/length pair must describe a kernel string (UTF-8).
#[no_mangle]
pub unsafe extern "C" fn __strobe_str_len(a: *const u8, a_len: u32) -> u32 {
    bytes(a, a_len)
        .iter()
        .filter(|&&b| b & 0xc0 != 0x80)
        .count() as u32
}

/// `s[start::step]` for `count` code points (the selection already resolved against the code-point
/// length, as a list's is): a new arena string. Kernel strings are UTF-8, so a code point is one to
/// four bytes, copied whole.
///
/// # Safety
/// The pointer/length pair must describe a kernel string (UTF-8); `out` a string slot.
#[no_mangle]
pub unsafe extern "C" fn __strobe_str_slice(
    a: *const u8,
    a_len: u32,
    start: i32,
    step: i32,
    count: i32,
    out: *mut Str,
) {
    let text = bytes(a, a_len);
    let (start, step, count) = (start.max(0) as usize, step, count.max(0) as usize);
    let Ok(text) = core::str::from_utf8(text) else {
        return concat_into(&[], out);
    };
    // The selected code points, walked once in the slice's direction.
    let selected = |visit: &mut dyn FnMut(&str)| {
        if step > 0 {
            let picked = text.char_indices().skip(start).step_by(step as usize);
            for (at, c) in picked.take(count) {
                visit(&text[at..at + c.len_utf8()]);
            }
        } else {
            let last = text.chars().count().saturating_sub(1);
            let picked = text.char_indices().rev().skip(last.saturating_sub(start));
            for (at, c) in picked.step_by(step.unsigned_abs() as usize).take(count) {
                visit(&text[at..at + c.len_utf8()]);
            }
        }
    };
    let mut total = 0;
    selected(&mut |c| total += c.len());
    let Some(dst) = arena::allocate(total, 1) else {
        raise_builtin(ExceptionId::MemoryError, "MemoryError", "");
        return concat_into(&[], out);
    };
    let mut at = 0;
    selected(&mut |c| {
        // SAFETY: dst has `total` bytes, the sum of the selected code points' lengths.
        unsafe { core::ptr::copy_nonoverlapping(c.as_ptr(), dst.add(at), c.len()) };
        at += c.len();
    });
    // SAFETY: `out` is a compiler-provided stack slot.
    unsafe {
        out.write(Str {
            ptr: dst,
            len: total as u32,
        })
    };
}

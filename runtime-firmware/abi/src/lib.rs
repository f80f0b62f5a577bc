//! The kernel ABI shared by the compiler (host) and the kernel runtime (device).
//!
//! This is the one table of symbols a compiled kernel may link against, the layouts of the values that
//! cross the boundary, and the ids of the builtin exception types. The compiler declares exactly the
//! functions in [`RUNTIME_SYMBOLS`]; the runtime crate has a test that it defines every one of them.
#![no_std]

/// Version of this ABI; bumped whenever a symbol, signature or layout below changes.
pub const ABI_VERSION: u32 = 2;

/// A kernel string: pointer + byte length (UTF-8, not NUL-terminated).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Str {
    pub ptr: *const u8,
    pub len: u32,
}

/// A kernel list header, allocated in the arena. `data` points at `cap` elements of the element type.
#[repr(C)]
pub struct ListHeader {
    pub len: u32,
    pub cap: u32,
    pub data: *mut u8,
}

/// A kernel exception object.
#[repr(C)]
pub struct Exception {
    /// Id of the exception class: one of [`ExceptionId`] for builtins, or a compiler-assigned id.
    pub type_id: u32,
    /// Class name as printed in the traceback (`ValueError`, `MyError`).
    pub name: Str,
    /// `str(exc)`: the message, empty when raised without one.
    pub message: Str,
}

/// A source location of a call or raise site, emitted by the compiler as a constant.
#[repr(C)]
pub struct SourceLocation {
    pub file: Str,
    pub line: u32,
    pub function: Str,
    /// The source line, stripped, as CPython shows it in tracebacks.
    pub text: Str,
}

/// Builtin exception classes; user classes get ids from [`FIRST_USER_EXCEPTION_ID`] on.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionId {
    Exception = 1,
    ZeroDivisionError = 2,
    IndexError = 3,
    ValueError = 4,
    AssertionError = 5,
    MemoryError = 6,
    RuntimeError = 7,
    OverflowError = 8,
    KeyError = 9,
    TypeError = 10,
    NotImplementedError = 11,
    ArithmeticError = 12,
    LookupError = 13,
    RTIOUnderflow = 14,
    RTIOOverflow = 15,
}

impl ExceptionId {
    /// Every builtin with its Python name and its base class (`None` for `Exception`).
    pub const ALL: [(ExceptionId, &'static str, Option<ExceptionId>); 15] = [
        (ExceptionId::Exception, "Exception", None),
        (
            ExceptionId::ArithmeticError,
            "ArithmeticError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::LookupError,
            "LookupError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::ZeroDivisionError,
            "ZeroDivisionError",
            Some(ExceptionId::ArithmeticError),
        ),
        (
            ExceptionId::OverflowError,
            "OverflowError",
            Some(ExceptionId::ArithmeticError),
        ),
        (
            ExceptionId::IndexError,
            "IndexError",
            Some(ExceptionId::LookupError),
        ),
        (
            ExceptionId::KeyError,
            "KeyError",
            Some(ExceptionId::LookupError),
        ),
        (
            ExceptionId::ValueError,
            "ValueError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::AssertionError,
            "AssertionError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::MemoryError,
            "MemoryError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::RuntimeError,
            "RuntimeError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::NotImplementedError,
            "NotImplementedError",
            Some(ExceptionId::RuntimeError),
        ),
        (
            ExceptionId::TypeError,
            "TypeError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::RTIOUnderflow,
            "RTIOUnderflow",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::RTIOOverflow,
            "RTIOOverflow",
            Some(ExceptionId::Exception),
        ),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(id, _, _)| *id == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("Exception")
    }
}

/// First id handed to user-defined exception classes.
pub const FIRST_USER_EXCEPTION_ID: u32 = 64;

/// The entry point the compiler emits for a program: runs `main()` and returns.
pub const KERNEL_ENTRY: &str = "__strobe_kernel_entry";
/// The pending-exception slot (`*mut Exception`, null when none), a global in the runtime.
pub const PENDING_EXCEPTION: &str = "__strobe_pending_exception";

/// Every function a kernel may call, with its C signature for documentation and cross-checking.
/// `Str` arguments are passed as (ptr, len); results larger than a word come back through an out-pointer.
pub const RUNTIME_SYMBOLS: &[(&str, &str)] = &[
    (
        "__strobe_alloc",
        "fn(size: u32, align: u32) -> *mut u8 /* null + MemoryError pending when exhausted */",
    ),
    (
        "__strobe_list_reserve",
        "fn(list: *mut ListHeader, additional: u32, elem_size: u32, elem_align: u32) -> bool",
    ),
    (
        "__strobe_raise",
        "fn(exc: *mut Exception, at: *const SourceLocation)",
    ),
    (
        "__strobe_raise_builtin",
        "fn(id: u32, message: *const u8, message_len: u32, at: *const SourceLocation)",
    ),
    ("__strobe_traceback_push", "fn(at: *const SourceLocation)"),
    ("__strobe_exception_clear", "fn()"),
    ("__strobe_print_str", "fn(ptr: *const u8, len: u32)"),
    ("__strobe_print_repr_str", "fn(ptr: *const u8, len: u32)"),
    ("__strobe_print_i32", "fn(v: i32)"),
    ("__strobe_print_i64", "fn(v: i64)"),
    ("__strobe_print_f64", "fn(v: f64)"),
    ("__strobe_str_from_i32", "fn(v: i32, out: *mut Str)"),
    ("__strobe_str_from_i64", "fn(v: i64, out: *mut Str)"),
    ("__strobe_str_from_f64", "fn(v: f64, out: *mut Str)"),
    (
        "__strobe_str_concat",
        "fn(a: *const u8, a_len: u32, b: *const u8, b_len: u32, out: *mut Str)",
    ),
    (
        "__strobe_str_eq",
        "fn(a: *const u8, a_len: u32, b: *const u8, b_len: u32) -> bool",
    ),
    (
        "__strobe_i64_pow",
        "fn(base: i64, exp: i64) -> i64 /* ValueError pending for exp < 0 */",
    ),
];

/// Functions the core-device firmware adds for kernels (RTIO and the timeline), beside
/// [`RUNTIME_SYMBOLS`]. `timestamp`s are machine units (RTIO clock cycles).
pub const DEVICE_SYMBOLS: &[(&str, &str)] = &[
    ("__strobe_rtio_counter", "fn() -> i64"),
    ("__strobe_rtio_output", "fn(channel: u32, timestamp: i64, value: u32) /* RTIOUnderflow pending when late */"),
    ("__strobe_rtio_output_slow", "fn(channel: u32, timestamp: i64, value: u32, status: u32) /* after an inline write saw `status` != 0 */"),
    ("__strobe_rtio_gate", "fn(channel: u32, enable: u32)"),
    ("__strobe_rtio_input_timestamp", "fn(channel: u32, deadline: i64) -> i64 /* -1 when no edge before the deadline */"),
    ("__strobe_rpc", "fn(service: u32, flags: u32 /* 1: async */, tags: *const u8, tags_len: u32 /* argc argument types, then the result type */, argc: u32, args: *const *const u8, ret: *mut u8) /* host exceptions become pending */"),
];

/// The timeline cursor `now_mu` (`i64`), a global in the firmware that kernels read and write.
pub const NOW: &str = "__strobe_now";

/// A 256-bit fingerprint of the kernel ABI (symbol names, signatures, [`ABI_VERSION`]): the host and the
/// firmware compute it from the same tables and the host refuses a device whose hash differs.
pub fn abi_hash() -> [u8; 32] {
    let mut out = [0u8; 32];
    for (lane, chunk) in out.chunks_mut(8).enumerate() {
        // FNV-1a, one lane per seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (lane as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        eat(&ABI_VERSION.to_le_bytes());
        for (name, signature) in RUNTIME_SYMBOLS.iter().chain(DEVICE_SYMBOLS.iter()) {
            eat(name.as_bytes());
            eat(signature.as_bytes());
        }
        eat(PENDING_EXCEPTION.as_bytes());
        eat(NOW.as_bytes());
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    out
}

//! The kernel ABI shared by the compiler (host) and the kernel runtime and firmware (device).
//!
//! This is the one definition of the symbols a compiled kernel may link against (their signatures:
//! [`runtime_symbols!`], [`device_symbols!`]), the layouts of the values that cross the boundary
//! ([`layout`]), the ids of the builtin exception types, and the RTIO core's CPU interface ([`rtio`]).
//! The compiler derives its declarations from the tables; the runtime and the firmware check their
//! definitions against the same lists at compile time; the gateware and the Python package read
//! generated files ([`contract`]) that a test keeps equal to what this crate generates.
#![no_std]

pub mod contract;
pub mod layout;
pub mod link;
pub mod rtio;

/// Version of this ABI; bumped whenever a symbol, signature or layout below changes.
pub const ABI_VERSION: u32 = 11;

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

/// The most dimensions a kernel array may have (the wire format's `strobe_protocol::rpc`
/// `MAX_ARRAY_DIMS` is the same; a test in the kernel runtime compares them).
pub const MAX_ARRAY_DIMS: usize = 4;

/// A numpy array's header, allocated in the arena: its elements in row-major order as a list
/// (`cap == len`; a view's `data` points into another array's elements), then its shape, one u32
/// per dimension (the kernel type says how many).
#[repr(C)]
pub struct ArrayHeader {
    pub items: ListHeader,
    pub shape: [u32; 0],
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
    DMAError = 16,
    /// A kernel's stack would overflow (CPython's name for deep recursion).
    RecursionError = 17,
    NameError = 18,
    /// A local read before any assignment reached it.
    UnboundLocalError = 19,
}

impl ExceptionId {
    /// Every builtin with its Python name and its base class (`None` for `Exception`).
    pub const ALL: [(ExceptionId, &'static str, Option<ExceptionId>); 19] = [
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
            ExceptionId::RecursionError,
            "RecursionError",
            Some(ExceptionId::RuntimeError),
        ),
        (
            ExceptionId::NameError,
            "NameError",
            Some(ExceptionId::Exception),
        ),
        (
            ExceptionId::UnboundLocalError,
            "UnboundLocalError",
            Some(ExceptionId::NameError),
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
        (
            ExceptionId::DMAError,
            "DMAError",
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
/// The table of quoted host values a composed program reads (`__strobe_quoted(slot, ...)`): a data
/// unit the host builds without the code generator, which the device gives the runtime at each run
/// (code never refers to its address). Layout: `count: u32`, then `count + 1` offsets (u32, from the
/// table's start; the last is the table's length), then each value in the RPC wire encoding of its
/// kernel type. This is the table's symbol in a whole-program ELF file.
pub const QUOTED_DATA: &str = "__strobe_quoted_data";
/// Functions LLVM calls in kernel code without the kernel naming them (soft float, 64-bit division,
/// `memcpy`, the libm functions behind `math` and `round`): on the device they form one support
/// unit, linked from the kernel runtime archive's compiler-builtins and resident once.
pub const SUPPORT_SYMBOLS: &[&str] = &[
    "__adddf3",
    "__subdf3",
    "__muldf3",
    "__divdf3",
    "__negdf2",
    "__eqdf2",
    "__nedf2",
    "__ltdf2",
    "__ledf2",
    "__gtdf2",
    "__gedf2",
    "__unorddf2",
    "__floatsidf",
    "__floatdidf",
    "__floatunsidf",
    "__floatundidf",
    "__fixdfsi",
    "__fixdfdi",
    "__fixunsdfsi",
    "__fixunsdfdi",
    "__extendsfdf2",
    "__truncdfsf2",
    "__divdi3",
    "__moddi3",
    "__udivdi3",
    "__umoddi3",
    "__muldi3",
    "__ashldi3",
    "__ashrdi3",
    "__lshrdi3",
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "bcmp",
    "sqrt",
    "floor",
    "ceil",
    "trunc",
    "round",
    "roundeven",
    "fmod",
    "pow",
    "sin",
    "cos",
    "exp",
    "log",
    // numpy's and scipy.special's functions (`strobe_types::LibmFn`; the others are runtime
    // symbols).
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "exp2",
    "expm1",
    "log2",
    "log10",
    "cbrt",
    "fabs",
    "atan2",
    "copysign",
    "fmax",
    "fmin",
    "hypot",
    "erf",
    "erfc",
    "tgamma",
];

/// The pending-exception slot (`*mut Exception`, null when none), a global in the runtime.
pub const PENDING_EXCEPTION: &str = "__strobe_pending_exception";

/// A value type that crosses the kernel ABI, as the compiler declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiType {
    /// One byte, 0 or 1 (Rust's `bool`, LLVM's `i1` at call boundaries).
    Bool,
    I32,
    U32,
    I64,
    F64,
    /// Any pointer (32 bits on the core device).
    Ptr,
}

/// The [`AbiType`] of a Rust type used in an ABI signature.
pub trait AbiValue {
    const TYPE: AbiType;
}

/// What a function returns: `()` is nothing.
pub trait AbiResult {
    const TYPE: Option<AbiType>;
}

macro_rules! abi_values {
    ($($t:ty => $abi:ident),*) => {$(
        impl AbiValue for $t {
            const TYPE: AbiType = AbiType::$abi;
        }
    )*};
}
abi_values!(bool => Bool, i32 => I32, u32 => U32, i64 => I64, f64 => F64);
impl<T> AbiValue for *const T {
    const TYPE: AbiType = AbiType::Ptr;
}
impl<T> AbiValue for *mut T {
    const TYPE: AbiType = AbiType::Ptr;
}
impl<T: AbiValue> AbiResult for T {
    const TYPE: Option<AbiType> = Some(T::TYPE);
}
impl AbiResult for () {
    const TYPE: Option<AbiType> = None;
}

/// One function kernels may call: its name and C signature.
#[derive(Clone, Copy, Debug)]
pub struct Symbol {
    pub name: &'static str,
    pub params: &'static [AbiType],
    pub returns: Option<AbiType>,
}

/// The functions of the kernel runtime (`strobe-kernel-rt`, on every platform), as Rust signatures:
/// the single definition. `runtime_symbols!(m)` hands the list to macro `m`, which turns it into the
/// compiler's table ([`RUNTIME_SYMBOLS`]) here and into compile-time checks of the definitions
/// (`strobe-kernel-rt`), so a definition that drifts from this list does not build. `Str` arguments
/// are passed as (ptr, len); results larger than a word come back through an out-pointer.
#[macro_export]
macro_rules! runtime_symbols {
    ($m:ident) => {
        $m! {
            /// Null, with MemoryError pending, when the arena is exhausted.
            __strobe_alloc(size: u32, align: u32) -> *mut u8;
            __strobe_list_reserve(list: *mut $crate::ListHeader, additional: u32, elem_size: u32, elem_align: u32) -> bool;
            __strobe_raise(exc: *mut $crate::Exception, at: *const $crate::SourceLocation) -> ();
            __strobe_raise_builtin(id: u32, message: *const u8, message_len: u32, at: *const $crate::SourceLocation) -> ();
            __strobe_traceback_push(at: *const $crate::SourceLocation) -> ();
            __strobe_exception_clear() -> ();
            __strobe_exception_catch(handling: *mut $crate::Exception) -> ();
            __strobe_exception_context(handling: *mut $crate::Exception) -> ();
            // C math functions compiler-builtins lacks (numpy's and scipy.special's).
            asinh(x: f64) -> f64;
            acosh(x: f64) -> f64;
            atanh(x: f64) -> f64;
            nextafter(x: f64, y: f64) -> f64;
            lgamma(x: f64) -> f64;
            j0(x: f64) -> f64;
            j1(x: f64) -> f64;
            y0(x: f64) -> f64;
            y1(x: f64) -> f64;
            __strobe_print_str(ptr: *const u8, len: u32) -> ();
            // `core_log(...)`: what is printed between the two is one line of the core log.
            __strobe_core_log_begin() -> ();
            __strobe_core_log_end() -> ();
            // `rtio_log(...)`: what is printed from here to the device's `__strobe_rtio_log_end`
            // goes to the RTIO log channel.
            __strobe_rtio_log_begin() -> ();
            __strobe_print_repr_str(ptr: *const u8, len: u32) -> ();
            __strobe_print_i32(v: i32) -> ();
            __strobe_print_i64(v: i64) -> ();
            __strobe_print_f64(v: f64) -> ();
            __strobe_str_from_i32(v: i32, out: *mut $crate::Str) -> ();
            __strobe_str_from_i64(v: i64, out: *mut $crate::Str) -> ();
            __strobe_str_from_f64(v: f64, out: *mut $crate::Str) -> ();
            __strobe_str_concat(a: *const u8, a_len: u32, b: *const u8, b_len: u32, out: *mut $crate::Str) -> ();
            __strobe_str_eq(a: *const u8, a_len: u32, b: *const u8, b_len: u32) -> bool;
            /// `len()` of a string: its code points (UTF-8 bytes that do not continue one).
            __strobe_str_len(a: *const u8, a_len: u32) -> u32;
            /// A slice of a string: `count` code points from code point `start` by `step`.
            __strobe_str_slice(a: *const u8, a_len: u32, start: i32, step: i32, count: i32, out: *mut $crate::Str) -> ();
            /// ValueError pending for a negative exponent.
            __strobe_i64_pow(base: i64, exp: i64) -> i64;
            /// Decodes quoted host value `slot` of the run's table ([`QUOTED_DATA`]) as the type
            /// `tags` into `out` (strings and lists in the arena); MemoryError or TypeError pending
            /// when it cannot, RuntimeError when the run has no such value.
            __strobe_quoted_load(slot: u32, tags: *const u8, tags_len: u32, out: *mut u8) -> ();
        }
    };
}

/// The functions the core-device firmware adds for kernels (RTIO and RPC), defined and checked like
/// [`runtime_symbols!`]. Timestamps are machine units.
#[macro_export]
macro_rules! device_symbols {
    ($m:ident) => {
        $m! {
            __strobe_rtio_counter() -> i64;
            /// The exact path (kernels offer events inline through the fast window,
            /// `rtio::fast`, and come here with those it does not take): RTIOUnderflow pending
            /// when the event is late.
            __strobe_rtio_output(channel: u32, timestamp: i64, value: u32) -> ();
            /// Input `channel`'s sensitivity from `timestamp` on (`rtio::sensitivity` bits).
            __strobe_rtio_gate(channel: u32, timestamp: i64, sensitivity: u32) -> ();
            /// Ends an `rtio_log(...)` (see `__strobe_rtio_log_begin`): its text goes to the RTIO
            /// log channel (`rtio::LOG_CHANNEL`) at `timestamp`, four bytes per event.
            __strobe_rtio_log_end(timestamp: i64) -> ();
            /// -1 when no edge arrives before the deadline.
            __strobe_rtio_input_timestamp(channel: u32, deadline: i64) -> i64;
            /// The level of the next recorded edge or sample; -1 when none arrives before the
            /// deadline.
            __strobe_rtio_input_data(channel: u32, deadline: i64) -> i32;
            /// DMA (`core_dma`): events written while recording go to the recording (named by
            /// UTF-8 bytes); DMAError pending when already recording.
            __strobe_dma_record_start(name: *const u8, name_len: u32) -> ();
            /// Ends the recording: the trace `duration` long replaces any of its name; DMAError
            /// pending when it does not fit the DMA memory.
            __strobe_dma_record_stop(duration: i64) -> ();
            __strobe_dma_erase(name: *const u8, name_len: u32) -> ();
            /// The trace's handle; DMAError pending when there is no such trace.
            __strobe_dma_retrieve(name: *const u8, name_len: u32) -> i32;
            /// The duration of the trace a handle names (0 for none).
            __strobe_dma_duration(trace: i32) -> i64;
            /// Plays the trace from `timestamp` on; waits until every event is queued;
            /// RTIOUnderflow pending when one was late, DMAError for a stale handle.
            __strobe_dma_playback(timestamp: i64, trace: i32) -> ();
            /// `flags` bit 0: asynchronous. `tags`: the `argc` argument types, then the result type.
            /// Host exceptions become pending.
            __strobe_rpc(service: u32, flags: u32, tags: *const u8, tags_len: u32, argc: u32, args: *const *const u8, ret: *mut u8) -> ();
        }
    };
}

/// Turns a symbol list into a `&[Symbol]` table.
macro_rules! symbol_table {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        &[$(Symbol {
            name: stringify!($name),
            params: &[$(<$ty as AbiValue>::TYPE),*],
            returns: <$ret as AbiResult>::TYPE,
        }),*]
    };
}

/// Every runtime function a kernel may call (see [`runtime_symbols!`]).
pub const RUNTIME_SYMBOLS: &[Symbol] = runtime_symbols!(symbol_table);

/// Every firmware function a core-device kernel may call (see [`device_symbols!`]).
pub const DEVICE_SYMBOLS: &[Symbol] = device_symbols!(symbol_table);

/// Runtime functions whose only effects kernels see are on the pending exception
/// ([`PENDING_EXCEPTION`], when they raise) and the roomy flag ([`RTIO_ROOMY`]), which kernels
/// access only in order with such calls. They do not read through pointer arguments. The compiler keeps the timeline cursor and kernel data in registers
/// across calls to them: an RTIO loop whose exact path is `__strobe_rtio_output` keeps `now_mu` in
/// a register.
pub const RUNTIME_STATE_ONLY: &[&str] = &[
    "__strobe_traceback_push",
    "__strobe_rtio_counter",
    "__strobe_rtio_output",
    "__strobe_rtio_gate",
    "__strobe_rtio_input_timestamp",
    "__strobe_rtio_input_data",
];

/// The symbol `name` of either table.
pub fn symbol(name: &str) -> Option<&'static Symbol> {
    RUNTIME_SYMBOLS
        .iter()
        .chain(DEVICE_SYMBOLS)
        .find(|s| s.name == name)
}

/// The timeline cursor `now_mu` (`i64`) between kernels: a global in the firmware, set before a
/// kernel that starts a fresh timeline and otherwise carried from one kernel to the next (ARTIQ's
/// handover). The kernel entry reads it when the kernel starts and writes it back when the kernel
/// ends. In between, kernel functions pass the cursor to each other as a pointer to their
/// caller's copy (their last argument), and no runtime function reads or writes this global:
/// timestamps are arguments.
pub const NOW: &str = "__strobe_now";

/// The roomy flag (`u32`), a global in the firmware: nonzero ([`rtio::fast::ROOMY`]) while kernels
/// may offer events to the fast window unanswered (see [`rtio::fast`]). A kernel sets it to the
/// answer of each answered event and clears it when it moves its cursor back (`at_mu`, a negative
/// delay); the firmware clears it when a kernel starts, when the window closes and at every kernel
/// tick. A kernel acts on the flag (or on an answer with room) within a few instructions, and
/// never across long firmware work: the tick does its work with the host link only after answers
/// saying ROOMY have been stopped (`o_fast_room`) for a whole tick and the flag was still clear;
/// until then it only stops them. Kernels access the flag only in order with the runtime's calls
/// (see [`RUNTIME_STATE_ONLY`]).
pub const RTIO_ROOMY: &str = "__strobe_rtio_roomy";

/// CPU cycles between the kernel ticks (the firmware's timer interrupt while a kernel runs: it
/// clears [`RTIO_ROOMY`], reads the host's requests and sends heartbeats).
pub const KERNEL_TICK_CYCLES: u64 = 1 << 12;

/// The lowest stack address (`u32`) at which a recursive kernel function may start: below it, the
/// function raises RecursionError instead of running. A global in the runtime, set at each run's
/// start [`STACK_GUARD_BYTES`] above the stack's end.
pub const STACK_LIMIT: &str = "__strobe_stack_limit";

/// The stack kept below [`STACK_LIMIT`]: room for the deepest permitted frame, the runtime and
/// firmware calls it makes (raising the RecursionError among them) and the kernel tick's interrupt.
pub const STACK_GUARD_BYTES: u32 = 16 * 1024;

/// The core device's kernel stack: the top of main RAM (the function store and the arena get the
/// rest of it).
pub const KERNEL_STACK_BYTES: u32 = 256 * 1024;

/// Below the kernel stack, the buffer of a recorded run's journal (`strobe_protocol::journal`):
/// records wait there until an RPC or the run's end sends them, so a recorded kernel's timing-critical
/// stretches of up to some 30,000 events never wait for the link.
pub const JOURNAL_BUFFER_BYTES: u32 = 256 * 1024;

/// The globals kernels read and write in the firmware (and its runtime), by name.
pub const FIRMWARE_GLOBALS: [&str; 4] = [PENDING_EXCEPTION, NOW, RTIO_ROOMY, STACK_LIMIT];

/// The core's instruction cache: direct-mapped, this many bytes (VexRiscv's "full" variant, as
/// ARTIQ's; the simulator's build checks its CPU against it). Code at addresses equal modulo this
/// size shares cache lines.
pub const ICACHE_BYTES: u32 = 4096;

/// Where the firmware's hot text starts: the RTIO calls kernels make in their loops (and their
/// trampolines), which kernel code is placed clear of in the cache (see [`ICACHE_BYTES`]).
pub const HOT_TEXT_START: &str = "__strobe_hot_text_start";
/// Where the firmware's hot text ends.
pub const HOT_TEXT_END: &str = "__strobe_hot_text_end";
/// Addresses the firmware's linker script marks for the host (not part of the kernel ABI).
pub const FIRMWARE_MARKS: [&str; 2] = [HOT_TEXT_START, HOT_TEXT_END];

/// Every symbol the host reads from the firmware for core-device kernels: the ABI's functions,
/// [`FIRMWARE_GLOBALS`] and [`FIRMWARE_MARKS`].
pub fn firmware_symbols() -> impl Iterator<Item = &'static str> {
    RUNTIME_SYMBOLS
        .iter()
        .chain(DEVICE_SYMBOLS)
        .map(|s| s.name)
        .chain(FIRMWARE_GLOBALS)
        .chain(FIRMWARE_MARKS)
}

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
        for symbol in RUNTIME_SYMBOLS.iter().chain(DEVICE_SYMBOLS.iter()) {
            eat(symbol.name.as_bytes());
            for t in symbol.params.iter().chain(&symbol.returns) {
                eat(&[*t as u8 + 1]);
            }
            eat(&[0]);
        }
        for global in FIRMWARE_GLOBALS {
            eat(global.as_bytes());
        }
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    out
}

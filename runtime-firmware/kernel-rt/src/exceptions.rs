//! Exception state: the pending exception and its traceback (kernel frames, innermost first).
//!
//! Compiled code checks `__strobe_pending_exception` after every call that may raise and either
//! handles it or pushes its call site with `__strobe_traceback_push` and returns to its caller.

use crate::arena;
use crate::output::write_stderr;
use core::fmt::Write;
use strobe_abi::{Exception, ExceptionId, SourceLocation, Str};
use strobe_protocol::CHAIN_SEPARATOR;

const MAX_FRAMES: usize = 64;

#[no_mangle]
pub static mut __strobe_pending_exception: *mut Exception = core::ptr::null_mut();

/// A traceback: call sites, innermost first.
#[derive(Clone, Copy)]
pub struct Frames {
    sites: [*const SourceLocation; MAX_FRAMES],
    count: usize,
    /// Frames beyond `MAX_FRAMES` (deep recursion) are counted, not stored.
    dropped: usize,
}

impl Frames {
    pub const EMPTY: Frames = Frames {
        sites: [core::ptr::null(); MAX_FRAMES],
        count: 0,
        dropped: 0,
    };
}

/// The pending exception's traceback.
static mut FRAMES: Frames = Frames::EMPTY;

/// The exception raised when the arena cannot hold even the exception object.
static mut FALLBACK: Exception = Exception {
    type_id: ExceptionId::MemoryError as u32,
    name: Str {
        ptr: core::ptr::null(),
        len: 0,
    },
    message: Str {
        ptr: core::ptr::null(),
        len: 0,
    },
};

fn as_str(s: &'static str) -> Str {
    Str {
        ptr: s.as_ptr(),
        len: s.len() as u32,
    }
}

pub fn pending() -> Option<&'static Exception> {
    // SAFETY: single-threaded; the pointer is null or points at an arena/static exception object.
    unsafe { __strobe_pending_exception.as_ref() }
}

pub fn pending_ptr() -> Option<*mut Exception> {
    // SAFETY: single-threaded.
    let p = unsafe { __strobe_pending_exception };
    (!p.is_null()).then_some(p)
}

/// A copy of the pending exception's traceback.
pub fn current_frames() -> Frames {
    // SAFETY: single-threaded.
    unsafe { FRAMES }
}

/// A run starts: no exception pending, none remembered.
pub fn begin_run() {
    __strobe_exception_clear();
    crate::chain::reset();
}

/// Raises a builtin exception from inside the runtime (no kernel source location).
pub fn raise_builtin(id: ExceptionId, name: &'static str, message: &'static str) {
    raise_with_str(
        id,
        name,
        Str {
            ptr: message.as_ptr(),
            len: message.len() as u32,
        },
    );
}

/// Raises a builtin exception whose message is formatted now (copied into the arena).
pub fn raise_builtin_fmt(id: ExceptionId, name: &'static str, args: core::fmt::Arguments<'_>) {
    let mut text = crate::output::StackBuffer::<160>::new();
    let _ = text.write_fmt(args);
    let message = arena_bytes(&text.bytes[..text.len]);
    set_pending(new_exception(id as u32, as_str(name), message));
}

/// Copies `bytes` into the arena (empty when they do not fit).
fn arena_bytes(bytes: &[u8]) -> Str {
    match arena::allocate(bytes.len(), 1) {
        Some(p) => {
            // SAFETY: `p` has room for `bytes.len()` bytes.
            unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
            Str {
                ptr: p,
                len: bytes.len() as u32,
            }
        }
        None => Str {
            ptr: core::ptr::null(),
            len: 0,
        },
    }
}

/// Raises an exception that arrived from elsewhere (an RPC's host exception): class id, name and
/// message are copied into the arena.
pub fn raise_named(type_id: u32, name: &str, message: &str) {
    let (name, message) = (
        arena_bytes(name.as_bytes()),
        arena_bytes(message.as_bytes()),
    );
    set_pending(new_exception(type_id, name, message));
}

/// An exception object in the arena, or the static MemoryError when even that does not fit.
fn new_exception(type_id: u32, name: Str, message: Str) -> *mut Exception {
    match arena::allocate(
        core::mem::size_of::<Exception>(),
        core::mem::align_of::<Exception>(),
    ) {
        // SAFETY: freshly allocated, suitably aligned memory for one Exception.
        Some(p) => unsafe {
            let p = p as *mut Exception;
            p.write(Exception {
                type_id,
                name,
                message,
            });
            p
        },
        // SAFETY: single-threaded access to the fallback object.
        None => unsafe {
            let p = core::ptr::addr_of_mut!(FALLBACK);
            (*p).name = as_str("MemoryError");
            p
        },
    }
}

/// Makes `exc` the pending exception with an empty traceback.
fn set_pending(exc: *mut Exception) {
    // SAFETY: single-threaded.
    unsafe {
        __strobe_pending_exception = exc;
        FRAMES.count = 0;
        FRAMES.dropped = 0;
    }
}

fn raise_with_str(id: ExceptionId, name: &'static str, message: Str) {
    set_pending(new_exception(id as u32, as_str(name), message));
}

/// Raises builtin exception `id` with a constant message at a kernel location: the compiler's one
/// call for ZeroDivisionError, IndexError and friends. An unknown id raises RuntimeError.
#[no_mangle]
pub extern "C" fn __strobe_raise_builtin(
    id: u32,
    message: *const u8,
    message_len: u32,
    at: *const SourceLocation,
) {
    let (id, name) = ExceptionId::ALL
        .iter()
        .find(|(e, _, _)| *e as u32 == id)
        .map(|(e, n, _)| (*e, *n))
        .unwrap_or((ExceptionId::RuntimeError, "RuntimeError"));
    raise_with_str(
        id,
        name,
        Str {
            ptr: message,
            len: message_len,
        },
    );
    __strobe_traceback_push(at);
}

#[no_mangle]
pub extern "C" fn __strobe_raise(exc: *mut Exception, at: *const SourceLocation) {
    set_pending(exc);
    __strobe_traceback_push(at);
}

#[no_mangle]
pub extern "C" fn __strobe_traceback_push(at: *const SourceLocation) {
    // SAFETY: single-threaded.
    unsafe {
        let frames = &mut *core::ptr::addr_of_mut!(FRAMES);
        if frames.count < MAX_FRAMES {
            frames.sites[frames.count] = at;
            frames.count += 1;
        } else {
            frames.dropped += 1;
        }
    }
}

#[no_mangle]
pub extern "C" fn __strobe_exception_clear() {
    // SAFETY: single-threaded.
    unsafe {
        __strobe_pending_exception = core::ptr::null_mut();
        FRAMES.count = 0;
        FRAMES.dropped = 0;
    }
}

fn str_bytes(s: &Str) -> &[u8] {
    if s.ptr.is_null() {
        return &[];
    }
    // SAFETY: kernel strings point at `len` valid bytes (constants or arena).
    unsafe { core::slice::from_raw_parts(s.ptr, s.len as usize) }
}

/// Writes a traceback's frames CPython-style (outermost first) through `write`:
/// `File "...", line N, in f`, the source line, and a note for frames dropped by deep recursion.
pub fn write_frames(frames: &Frames, write: &mut dyn FnMut(&[u8])) {
    let (count, dropped) = (frames.count, frames.dropped);
    for i in (0..count).rev() {
        // SAFETY: each stored pointer is a compiler-emitted constant location.
        let loc = unsafe { &*frames.sites[i] };
        write(b"  File \"");
        write(str_bytes(&loc.file));
        let mut line = crate::output::StackBuffer::<24>::new();
        let _ = write!(line, "\", line {}, in ", loc.line);
        write(line.as_bytes());
        write(str_bytes(&loc.function));
        write(b"\n");
        if loc.text.len > 0 {
            write(b"    ");
            write(str_bytes(&loc.text));
            write(b"\n");
        }
        if i == count - 1 && dropped > 0 {
            let mut note = crate::output::StackBuffer::<64>::new();
            let _ = writeln!(note, "  [Previous line repeated {} more times]", dropped);
            write(note.as_bytes());
        }
    }
}

/// The pending exception's traceback for the host (`strobe_protocol::ExceptionReport`): first the
/// exceptions it was raised while handling, oldest first, each as its frames, a line
/// `Name(id): message` and [`CHAIN_SEPARATOR`]; then its own frames.
pub fn write_traceback(write: &mut dyn FnMut(&[u8])) {
    let Some(exc) = pending_ptr() else { return };
    let (chain, n) = crate::chain::context_of(exc);
    for (earlier, frames) in &chain[..n] {
        write_frames(frames, write);
        // SAFETY: remembered exceptions are live arena or static objects during the run.
        let e = unsafe { &**earlier };
        write(str_bytes(&e.name));
        let mut id = crate::output::StackBuffer::<16>::new();
        let _ = write!(id, "({}): ", e.type_id);
        write(id.as_bytes());
        write(str_bytes(&e.message));
        write(CHAIN_SEPARATOR.as_bytes());
    }
    write_frames(&current_frames(), write);
}

/// The pending exception's class name and message.
pub fn describe(exc: &Exception) -> (&[u8], &[u8]) {
    (str_bytes(&exc.name), str_bytes(&exc.message))
}

/// Writes `Name: message` as CPython ends a traceback.
fn write_exception_line(exc: &Exception) {
    write_stderr(str_bytes(&exc.name));
    if exc.message.len > 0 {
        write_stderr(b": ");
        if exc.type_id == ExceptionId::KeyError as u32 {
            // str(KeyError(k)) is repr(k).
            crate::output::flush_stdout();
            crate::strings::write_repr(str_bytes(&exc.message), write_stderr);
        } else {
            write_stderr(str_bytes(&exc.message));
        }
    }
    write_stderr(b"\n");
}

/// Writes the pending exception CPython-style to standard error, after the ones it was raised
/// while handling: `Traceback (most recent call last):`, one `File "...", line N, in f` per frame,
/// then `Name: message`.
pub fn report_uncaught() {
    let Some(exc) = pending_ptr() else { return };
    let (chain, n) = crate::chain::context_of(exc);
    let mut write = |b: &[u8]| write_stderr(b);
    for (earlier, frames) in &chain[..n] {
        write_stderr(b"Traceback (most recent call last):\n");
        write_frames(frames, &mut write);
        // SAFETY: as in `write_traceback`.
        write_exception_line(unsafe { &**earlier });
        write_stderr(b"\nDuring handling of the above exception, another exception occurred:\n\n");
    }
    write_stderr(b"Traceback (most recent call last):\n");
    write_frames(&current_frames(), &mut write);
    // SAFETY: the pending exception is live.
    write_exception_line(unsafe { &*exc });
}

//! Exception chains (Python's `__context__`): what a kernel caught, with its traceback, and which
//! exception each was raised while handling, so an exception that escapes a handler is reported
//! with the ones it was raised during, oldest first (ARTIQ's nested exceptions).
//!
//! Compiled code calls [`__strobe_exception_catch`] on entering an `except` block (instead of
//! discarding the traceback, it is kept here) and [`__strobe_exception_context`] when an exception
//! leaves one.

use crate::exceptions::{self, Frames};
use strobe_abi::Exception;

/// How many exceptions a run remembers (the newest replace the oldest).
const REMEMBERED: usize = 8;
/// How many exceptions a report chains at most.
pub const MAX_CHAIN: usize = 4;

#[derive(Clone, Copy)]
struct Known {
    exc: *mut Exception,
    /// The exception being handled when this one was raised (null: none).
    context: *mut Exception,
    /// Its traceback when it was caught (empty while it has not been).
    frames: Frames,
}

const NONE: Known = Known {
    exc: core::ptr::null_mut(),
    context: core::ptr::null_mut(),
    frames: Frames::EMPTY,
};

static mut KNOWN: [Known; REMEMBERED] = [NONE; REMEMBERED];
static mut NEXT: usize = 0;

/// Forgets every exception: called when a run starts (the arena that held them is reused).
pub fn reset() {
    // SAFETY: single-threaded.
    unsafe {
        KNOWN = [NONE; REMEMBERED];
        NEXT = 0;
    }
}

/// The record of `exc`, made (replacing the oldest) when there is none.
fn entry(exc: *mut Exception) -> &'static mut Known {
    // SAFETY: single-threaded; the index stays within the array.
    unsafe {
        let known = &mut *core::ptr::addr_of_mut!(KNOWN);
        if let Some(i) = known.iter().position(|k| k.exc == exc) {
            return &mut known[i];
        }
        let i = NEXT;
        NEXT = (NEXT + 1) % REMEMBERED;
        known[i] = Known { exc, ..NONE };
        &mut known[i]
    }
}

fn find(exc: *mut Exception) -> Option<Known> {
    // SAFETY: single-threaded.
    unsafe {
        (*core::ptr::addr_of!(KNOWN))
            .iter()
            .copied()
            .find(|k| k.exc == exc)
    }
}

/// `exc` was raised while `handling` was being handled, unless it already knows (or is) it.
fn set_context(exc: *mut Exception, handling: *mut Exception) {
    if exc.is_null() || handling.is_null() || exc == handling {
        return;
    }
    let e = entry(exc);
    if e.context.is_null() {
        e.context = handling;
    }
}

/// Entering an `except` block for the pending exception, inside the handler of `handling` (null
/// when none): keeps its traceback and context, then clears it.
#[no_mangle]
pub extern "C" fn __strobe_exception_catch(handling: *mut Exception) {
    if let Some(exc) = exceptions::pending_ptr() {
        set_context(exc, handling);
        entry(exc).frames = exceptions::current_frames();
    }
    exceptions::__strobe_exception_clear();
}

/// The pending exception leaves the `except` block of `handling`: it was raised during it.
#[no_mangle]
pub extern "C" fn __strobe_exception_context(handling: *mut Exception) {
    if let Some(exc) = exceptions::pending_ptr() {
        set_context(exc, handling);
    }
}

/// The exceptions `exc` was raised while handling, oldest first, with their tracebacks (at most
/// [`MAX_CHAIN`] - 1, the nearest kept).
pub fn context_of(exc: *mut Exception) -> ([(*mut Exception, Frames); MAX_CHAIN], usize) {
    let mut chain = [(core::ptr::null_mut(), Frames::EMPTY); MAX_CHAIN];
    let mut n = 0;
    let mut cur = find(exc)
        .map(|k| k.context)
        .unwrap_or(core::ptr::null_mut());
    while !cur.is_null() && n < MAX_CHAIN - 1 && cur != exc {
        let known = find(cur);
        chain[n] = (cur, known.map(|k| k.frames).unwrap_or(Frames::EMPTY));
        n += 1;
        cur = known.map(|k| k.context).unwrap_or(core::ptr::null_mut());
    }
    chain[..n].reverse();
    (chain, n)
}

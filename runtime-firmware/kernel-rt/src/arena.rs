//! The per-kernel-run arena: a bump allocator over a fixed region. Exhaustion raises `MemoryError`
//! (the allocation returns null and the exception is pending); memory is never handed out twice.

use crate::exceptions;
use strobe_abi::{ExceptionId, ListHeader};

#[cfg(all(target_arch = "riscv32", not(feature = "device")))]
const ARENA_SIZE: usize = 8 << 20;
#[cfg(all(not(target_arch = "riscv32"), not(feature = "device")))]
const ARENA_SIZE: usize = 64 << 10;

#[cfg(not(feature = "device"))]
#[repr(C, align(16))]
struct ArenaMemory([u8; ARENA_SIZE]);

/// The default arena (standalone programs); a device firmware points the arena elsewhere.
#[cfg(not(feature = "device"))]
static mut ARENA: ArenaMemory = ArenaMemory([0; ARENA_SIZE]);
static mut ARENA_BASE: *mut u8 = core::ptr::null_mut();
static mut ARENA_LIMIT: usize = 0;
static mut ARENA_USED: usize = 0;

/// Uses `[base, base + size)` as the arena from now on (and empties it).
///
/// # Safety
/// The region must be valid, writable memory used by nothing else while kernels run.
pub unsafe fn set_region(base: *mut u8, size: usize) {
    ARENA_BASE = base;
    ARENA_LIMIT = size;
    ARENA_USED = 0;
}

/// The arena's memory: the assigned region, or the default one.
unsafe fn region() -> (*mut u8, usize) {
    if !ARENA_BASE.is_null() {
        return (ARENA_BASE, ARENA_LIMIT);
    }
    #[cfg(not(feature = "device"))]
    {
        (core::ptr::addr_of_mut!(ARENA) as *mut u8, ARENA_SIZE)
    }
    #[cfg(feature = "device")]
    {
        (core::ptr::null_mut(), 0)
    }
}

/// Allocates `size` bytes aligned to `align` (a power of two), or returns `None` when exhausted.
pub fn allocate(size: usize, align: usize) -> Option<*mut u8> {
    let align = align.max(1);
    // SAFETY: single-threaded kernel execution; only this module touches the arena statics.
    unsafe {
        let (base, limit) = region();
        let start = (ARENA_USED + align - 1) & !(align - 1);
        let end = start.checked_add(size)?;
        if end > limit {
            return None;
        }
        ARENA_USED = end;
        Some(base.add(start))
    }
}

/// The arena's fill level, to [`release`] back to after temporary use.
pub fn mark() -> usize {
    // SAFETY: see `allocate`.
    unsafe { ARENA_USED }
}

/// Frees everything allocated since `mark` (temporary buffers, e.g. an RPC's encoded arguments).
pub fn release(mark: usize) {
    // SAFETY: see `allocate`; only lowers the fill level.
    unsafe {
        if mark < ARENA_USED {
            ARENA_USED = mark;
        }
    }
}

/// Frees everything: called between kernel runs.
pub fn reset() {
    // SAFETY: see `allocate`.
    unsafe {
        ARENA_USED = 0;
    }
}

static MEMORY_ERROR_NAME: &str = "MemoryError";

fn raise_memory_error() {
    exceptions::raise_builtin(ExceptionId::MemoryError, MEMORY_ERROR_NAME, "");
}

#[no_mangle]
pub extern "C" fn __strobe_alloc(size: u32, align: u32) -> *mut u8 {
    match allocate(size as usize, align as usize) {
        Some(p) => p,
        None => {
            raise_memory_error();
            core::ptr::null_mut()
        }
    }
}

/// Makes room for `additional` more elements; returns false (MemoryError pending) when exhausted.
///
/// # Safety
/// `list` must point at a valid list header whose `data` holds `cap` elements of `elem_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn __strobe_list_reserve(
    list: *mut ListHeader,
    additional: u32,
    elem_size: u32,
    elem_align: u32,
) -> bool {
    let header = &mut *list;
    let needed = match header.len.checked_add(additional) {
        Some(n) => n,
        None => {
            raise_memory_error();
            return false;
        }
    };
    if needed <= header.cap {
        return true;
    }
    let new_cap = needed.max(header.cap.saturating_mul(2)).max(4);
    let bytes = match (new_cap as usize).checked_mul(elem_size as usize) {
        Some(b) => b,
        None => {
            raise_memory_error();
            return false;
        }
    };
    match allocate(bytes, elem_align as usize) {
        Some(data) => {
            if header.len > 0 {
                core::ptr::copy_nonoverlapping(
                    header.data,
                    data,
                    header.len as usize * elem_size as usize,
                );
            }
            header.data = data;
            header.cap = new_cap;
            true
        }
        None => {
            raise_memory_error();
            false
        }
    }
}

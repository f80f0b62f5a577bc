//! The stack guard's limit (`strobe_abi::STACK_LIMIT`): recursive kernel functions compare their
//! stack pointer with it on entry and raise RecursionError below it, so deep recursion is an
//! exception rather than a stack overflowing into other memory.

/// The lowest stack address a recursive kernel function may start at (0: no guard yet).
#[no_mangle]
pub static mut __strobe_stack_limit: u32 = 0;

/// Before a run: the kernel's stack ends (grows down to) `end`; the guard keeps
/// `strobe_abi::STACK_GUARD_BYTES` of it below the limit.
pub fn set_end(end: usize) {
    // SAFETY: single-threaded; kernels only read it.
    unsafe { __strobe_stack_limit = end as u32 + strobe_abi::STACK_GUARD_BYTES };
}

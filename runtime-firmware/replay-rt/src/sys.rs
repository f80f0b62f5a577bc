//! The Linux syscalls this program needs beyond the kernel runtime's (riscv32 generic numbers).

use core::arch::asm;
use strobe_kernel_rt::linux_sys::SYS_RT_SIGACTION;
pub use strobe_kernel_rt::linux_sys::{exit, write};

const SYS_READ: u32 = 63;
const SYS_SETITIMER: u32 = 103;

/// Reads what is there (waiting for at least a byte); 0 at the end of the input.
pub fn read(fd: u32, buf: &mut [u8]) -> usize {
    loop {
        let n: i32;
        // SAFETY: Linux `read(fd, buf, len)` into a buffer valid for `len` bytes.
        unsafe {
            asm!("ecall", in("a7") SYS_READ, inlateout("a0") fd => n,
                 in("a1") buf.as_mut_ptr(), in("a2") buf.len());
        }
        // EINTR (the deadline's timer): read again.
        if n == -4 {
            continue;
        }
        return n.max(0) as usize;
    }
}

/// Linux's `struct sigaction` for RISC-V (the generic layout, no restorer).
#[repr(C)]
struct SigAction {
    handler: usize,
    flags: usize,
    mask: u64,
}

/// `SA_RESTART`: system calls the signal interrupts go on.
const SA_RESTART: usize = 0x1000_0000;
const SIGALRM: u32 = 14;

/// Calls `handler` every `interval_us` microseconds (SIGALRM).
pub fn every(interval_us: u32, handler: extern "C" fn(u32)) {
    let action = SigAction {
        handler: handler as usize,
        flags: SA_RESTART,
        mask: 0,
    };
    // struct itimerval { it_interval, it_value } of (seconds, microseconds), 32-bit longs.
    let timer: [i32; 4] = [0, interval_us as i32, 0, interval_us as i32];
    // SAFETY: Linux `rt_sigaction(SIGALRM, &action, NULL, 8)` and
    // `setitimer(ITIMER_REAL, &timer, NULL)`, both reading valid structures.
    unsafe {
        asm!("ecall", in("a7") SYS_RT_SIGACTION, inlateout("a0") SIGALRM => _,
             in("a1") &action as *const SigAction, in("a2") 0, in("a3") 8);
        asm!("ecall", in("a7") SYS_SETITIMER, inlateout("a0") 0 => _,
             in("a1") timer.as_ptr(), in("a2") 0);
    }
}

/// The CPU's cycle counter's low word (what kernels compare the fast-path deadline with).
pub fn cycle_word() -> u32 {
    let c: u32;
    // SAFETY: reading a counter has no side effect.
    unsafe { asm!("rdcycle {}", out(reg) c, options(nomem, nostack)) };
    c
}

//! Platform layer for standalone programs under `qemu-riscv32` (Linux user mode): syscalls and `_start`.

use crate::linux_sys::{exit, SYS_RT_SIGACTION};
use crate::{arena, exceptions, output, stack};
use core::arch::asm;

/// Signals that end the program: its output so far is written first (SIGINT: Ctrl-C on a kernel
/// that loops; the others: a fault), then it exits as killed by that signal would (128 + number).
const FATAL_SIGNALS: [u32; 6] = [2, 4, 7, 8, 11, 15];

/// Linux's `struct sigaction` for RISC-V (the generic layout, no restorer).
#[repr(C)]
struct SigAction {
    handler: usize,
    flags: usize,
    mask: u64,
}

extern "C" fn on_fatal_signal(signal: u32) {
    output::flush_stdout();
    if signal == 2 {
        output::write_stderr(b"KeyboardInterrupt\n");
    }
    exit(128 + signal as i32)
}

fn catch_fatal_signals() {
    for signal in FATAL_SIGNALS {
        let action = SigAction {
            handler: on_fatal_signal as extern "C" fn(u32) as usize,
            flags: 0,
            mask: 0,
        };
        // SAFETY: Linux `rt_sigaction(signal, &action, NULL, sizeof(sigset_t))`; the handler only
        // writes and exits.
        unsafe {
            asm!("ecall", in("a7") SYS_RT_SIGACTION, inlateout("a0") signal => _,
                 in("a1") &action as *const SigAction, in("a2") 0, in("a3") 8);
        }
    }
}

extern "C" {
    fn __strobe_kernel_entry();
}

/// What a standalone program's kernel may use of qemu-user's stack (8 MiB by default).
const STACK_BYTES: usize = 4 << 20;

/// Program entry: runs the kernel, reports an uncaught exception CPython-style, exits 0 or 1.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { asm!("mv {}, sp", out(reg) sp, options(nomem, nostack)) };
    stack::set_end(sp - STACK_BYTES);
    catch_fatal_signals();
    arena::reset();
    exceptions::begin_run();
    // SAFETY: the compiler always emits the kernel entry into the linked image.
    unsafe { __strobe_kernel_entry() };
    output::flush_stdout();
    if exceptions::pending().is_some() {
        exceptions::report_uncaught();
        exit(1)
    }
    exit(0)
}

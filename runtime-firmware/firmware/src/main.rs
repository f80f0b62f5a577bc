//! Core device firmware: boots, serves the link session over the host link, loads kernels into main
//! RAM and runs them with a trap handler, so a faulting kernel is reported and the device keeps serving.
#![no_std]
#![no_main]

mod board;
mod dma;
mod exports;
mod journal;
mod link;
mod rpc;
mod rtio;
mod trap;
mod watch;

use strobe_session::{Session, IDLE_RESET_POLLS};

core::arch::global_asm!(
    ".section .text.start",
    ".globl _start",
    "_start:",
    "  la sp, _stack_top",
    "  la t0, trap_entry",
    "  csrw mtvec, t0",
    // Copy .data from ROM, clear .bss.
    "  la t0, _sidata",
    "  la t1, _sdata",
    "  la t2, _edata",
    "1: bgeu t1, t2, 2f",
    "  lw t3, 0(t0)",
    "  sw t3, 0(t1)",
    "  addi t0, t0, 4",
    "  addi t1, t1, 4",
    "  j 1b",
    "2: la t0, _sbss",
    "  la t1, _ebss",
    "3: bgeu t0, t1, 4f",
    "  sw zero, 0(t0)",
    "  addi t0, t0, 4",
    "  j 3b",
    "4: call firmware_main",
    "5: j 5b",
);

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // A firmware bug, never input from the link: restart from scratch.
    // SAFETY: `_start` re-initialises everything.
    unsafe { core::arch::asm!("j _start", options(noreturn)) }
}

#[no_mangle]
extern "C" fn firmware_main() -> ! {
    strobe_kernel_rt::output::set_writer(board::kernel_output);
    exports::keep();
    watch::start();
    let mut session = Session::new(board::CoreDevice::new());
    let mut link = link::HostLink;
    let mut idle: u32 = 0;
    loop {
        if session.serve(&mut link) {
            idle = 0;
        } else if session.in_frame() {
            // A frame that stops arriving (the host went away) is dropped, with any partial upload.
            idle += 1;
            if idle == IDLE_RESET_POLLS {
                session.disconnected();
            }
        } else {
            // Nothing to do until the host's next byte.
            rtio::waiting();
        }
    }
}

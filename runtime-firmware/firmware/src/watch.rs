//! The kernel watch: while a kernel runs, the timer ticks every [`TICK_CYCLES`] (its interrupt is
//! `trap.rs`'s `kernel_tick`). A tick that finds bytes from the host, a heartbeat due or a stop
//! pending calls [`kernel_attention`]:
//! - in kernel code (main RAM), it reads the host's requests (a `Stop`, or a new client's `Hello`,
//!   stops the kernel right there; others are refused as busy), and when the kernel has been quiet
//!   for [`HEARTBEAT_TICKS`], flushes its output and sends a heartbeat;
//! - inside a firmware call it does nothing (the call may be using the link): the firmware's wait
//!   loops ask [`stop_requested`] instead, and return early, and the kernel stops at the first tick
//!   back in its own code.
//!
//! So a kernel is stopped within a tick or two of device time wherever it loops, and one that
//! computes for minutes keeps its host from giving up on it.

use crate::{board, rtio, trap};
use strobe_kernel_rt::output;
use strobe_regmap::{
    MAIN_RAM, TIMER0_EN, TIMER0_EV_ENABLE, TIMER0_EV_PENDING, TIMER0_INTERRUPT, TIMER0_LOAD,
    TIMER0_RELOAD, UART_RXEMPTY,
};
use strobe_session::StopReason;

/// Cycles between ticks (0.52 ms at 125 MHz).
pub const TICK_CYCLES: u64 = 1 << 16;
/// Ticks between expiries of the fast-path deadline (see `rtio::DEADLINE_REFRESH_CYCLES`).
pub const REFRESH_TICKS: u32 = 1 << 14;
/// Ticks of silence after which a running kernel sends a heartbeat (8.4 ms at 125 MHz; about a
/// second of the simulator's wall-clock time).
const HEARTBEAT_TICKS: i32 = 16;

/// Counted down by each tick; the deadline expires at zero.
#[no_mangle]
static mut WATCH_TICKS_TO_REFRESH: u32 = REFRESH_TICKS;
/// Counted down by each tick; a heartbeat is due at zero or below.
#[no_mangle]
static mut WATCH_HEARTBEAT_IN: i32 = HEARTBEAT_TICKS;
/// The `StopReason` (as its wire value) of a stop seen inside a firmware call; 0: none.
#[no_mangle]
static mut WATCH_STOP_PENDING: u32 = 0;
/// The cycle counter when the running kernel started.
static mut RUN_START: u64 = 0;

/// At boot: the timer ticks every [`TICK_CYCLES`]; its interrupt is taken only while kernels run.
pub fn start() {
    restart_timer();
    TIMER0_EV_ENABLE.write(1);
    // SAFETY: unmasks the timer's line (VexRiscv's external-interrupt mask, CSR 0xBC0) and machine
    // external interrupts; they are taken only while mstatus.MIE is set (kernel runs).
    unsafe {
        core::arch::asm!(
            "csrs 0xBC0, {line}",
            "li {tmp}, 0x800",
            "csrs mie, {tmp}",
            line = in(reg) 1u32 << TIMER0_INTERRUPT,
            tmp = out(reg) _,
            options(nostack),
        )
    };
}

fn restart_timer() {
    TIMER0_EN.write(0);
    TIMER0_LOAD.write(TICK_CYCLES);
    TIMER0_RELOAD.write(TICK_CYCLES);
    TIMER0_EV_PENDING.write(1);
    TIMER0_EN.write(1);
}

/// Before a kernel runs: ticks counted from its start (so device cycle counts repeat exactly), no
/// stop pending, a full heartbeat period ahead.
pub fn arm() {
    restart_timer();
    // SAFETY: single-threaded; interrupts are off until the kernel starts.
    unsafe {
        WATCH_TICKS_TO_REFRESH = REFRESH_TICKS;
        WATCH_HEARTBEAT_IN = HEARTBEAT_TICKS;
        WATCH_STOP_PENDING = 0;
        RUN_START = rtio::cycles();
    }
}

fn pending() -> Option<StopReason> {
    // SAFETY: single-threaded (the tick only reads it).
    let v = unsafe { core::ptr::read_volatile(core::ptr::addr_of!(WATCH_STOP_PENDING)) };
    StopReason::from_wire(v as u8).ok()
}

fn heartbeat_due() -> bool {
    // SAFETY: as above; the tick decrements it.
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!(WATCH_HEARTBEAT_IN)) <= 0 }
}

/// Reads the host's requests and sends a heartbeat when one is due; whether the kernel is to stop.
/// Only from kernel code or a firmware wait loop: nothing else may be using the link.
fn attend() -> Option<StopReason> {
    let due = heartbeat_due();
    if due {
        // The kernel's output so far goes first.
        output::flush_stdout();
    }
    let host = board::host()?;
    let stop = host.poll();
    if due && stop.is_none() {
        // SAFETY: single-threaded.
        unsafe { WATCH_HEARTBEAT_IN = HEARTBEAT_TICKS };
        // SAFETY: as above.
        let start = unsafe { RUN_START };
        host.heartbeat(rtio::cycles() - start);
    }
    stop
}

/// Called by the tick (see the module's text) with the interrupted `pc`; nonzero stops the kernel.
#[no_mangle]
extern "C" fn kernel_attention(pc: u32) -> u32 {
    let kernel_code = (MAIN_RAM.base..MAIN_RAM.base + MAIN_RAM.size).contains(&(pc as usize));
    if !kernel_code {
        return 0;
    }
    match pending().or_else(attend) {
        Some(reason) => {
            trap::note_stop(pc, reason);
            1
        }
        None => 0,
    }
}

/// For the firmware's wait loops (while a kernel runs): attends to the host when a tick asked for
/// it; true once the kernel is to stop (the loop returns early; the kernel stops back in its code).
pub fn stop_requested() -> bool {
    if pending().is_some() {
        return true;
    }
    if UART_RXEMPTY.read() == 0 || heartbeat_due() {
        if let Some(reason) = attend() {
            // SAFETY: single-threaded; the tick reads it.
            unsafe { WATCH_STOP_PENDING = reason as u32 };
            return true;
        }
    }
    false
}

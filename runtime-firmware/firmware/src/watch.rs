//! The kernel watch: while a kernel runs, the timer ticks every [`TICK_CYCLES`] (its interrupt is
//! `trap.rs`'s `kernel_tick`). A tick that finds bytes from the host or a heartbeat due calls
//! [`kernel_attention`], which, unless the kernel is in a [`Critical`] section (using the link,
//! or changing state that outlives the run), reads the host's requests: a `Stop`, or a new
//! client's `Hello`, stops the kernel right there (others are refused as busy); and when the
//! kernel has been quiet for [`HEARTBEAT_TICKS`], sends a heartbeat (with its output so far).
//!
//! So a kernel is stopped within a tick of device time wherever it loops (in its code or in a
//! firmware call), and one that computes for minutes keeps its host from giving up on it.

use crate::{board, rtio, trap};
use strobe_kernel_rt::output;
use strobe_regmap::{
    MAIN_RAM, TIMER0_EN, TIMER0_EV_ENABLE, TIMER0_EV_PENDING, TIMER0_INTERRUPT, TIMER0_LOAD,
    TIMER0_RELOAD,
};

/// Cycles between ticks (33 us at 125 MHz; each clears the fast window's roomy flag, see
/// `strobe_abi::RTIO_ROOMY`).
pub const TICK_CYCLES: u64 = strobe_abi::KERNEL_TICK_CYCLES;
/// Ticks of silence after which a running kernel sends a heartbeat (8.4 ms at 125 MHz; about a
/// second of the simulator's wall-clock time).
const HEARTBEAT_TICKS: i32 = ((1 << 20) / TICK_CYCLES) as i32;
/// The same period in machine units, for waits outside the kernel (the end-of-run drain).
pub const HEARTBEAT_MU: i64 =
    (HEARTBEAT_TICKS as i64 * TICK_CYCLES as i64) << strobe_abi::rtio::FINE_BITS;

/// The fast window's roomy flag as the last tick found it (`trap.rs`).
#[no_mangle]
static mut WATCH_ROOMY_AT_TICK: u32 = 0;
/// Whether the fast window's answers may say ROOMY (`o_fast_room`): the tick clears both before
/// it does long work (`trap.rs`), [`allow_room`] sets them.
#[no_mangle]
static mut WATCH_ROOM_ALLOWED: u32 = 0;
/// Counted down by each tick; a heartbeat is due at zero or below.
#[no_mangle]
static mut WATCH_HEARTBEAT_IN: i32 = HEARTBEAT_TICKS;
/// Critical sections the running kernel is in (see [`Critical`]).
static mut CRITICAL: u32 = 0;
/// The cycle counter when the running kernel started.
static mut RUN_START: u64 = 0;

/// While one lives, the tick leaves the kernel alone: around the link's use (output, RPCs) and
/// changes to state that outlives the run (DMA traces, the core log).
pub struct Critical;

impl Critical {
    pub fn enter() -> Critical {
        // SAFETY: single-threaded; the tick only reads it.
        unsafe { CRITICAL += 1 };
        Critical
    }
}

impl Drop for Critical {
    fn drop(&mut self) {
        // SAFETY: as in `enter`.
        unsafe { CRITICAL -= 1 };
    }
}

/// Lets the fast window's answers say ROOMY again (the tick stops them before long work).
pub fn allow_room() {
    strobe_regmap::RTIO_O_FAST_ROOM.write(1);
    // SAFETY: single-threaded; the tick reads and clears it while the kernel runs.
    unsafe { WATCH_ROOM_ALLOWED = 1 };
}

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

/// Before a kernel runs: ticks counted from its start (so device cycle counts repeat exactly), a
/// full heartbeat period ahead.
pub fn arm() {
    restart_timer();
    // SAFETY: single-threaded; interrupts are off until the kernel starts.
    unsafe {
        WATCH_HEARTBEAT_IN = HEARTBEAT_TICKS;
        CRITICAL = 0;
        RUN_START = rtio::cycles();
    }
}

fn heartbeat_due() -> bool {
    // SAFETY: single-threaded; the tick decrements it.
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!(WATCH_HEARTBEAT_IN)) <= 0 }
}

/// Whether `pc` lies in main RAM, where kernel code (and only it) runs.
fn kernel_code(pc: u32) -> bool {
    (MAIN_RAM.base..MAIN_RAM.base + MAIN_RAM.size).contains(&(pc as usize))
}

/// Called by the tick with the interrupted `pc` and the registers it saved (`ra` first, the
/// interrupted stack above them); nonzero stops the kernel.
#[no_mangle]
extern "C" fn kernel_attention(pc: u32, saved: *const u32) -> u32 {
    // No kernel holds a decision on the roomy flag now (`trap.rs`): answers may say ROOMY again.
    allow_room();
    // SAFETY: single-threaded; set by the code the tick interrupted.
    if unsafe { CRITICAL } > 0 {
        return 0;
    }
    let in_kernel = kernel_code(pc);
    let due = heartbeat_due();
    if due {
        // The kernel's output so far goes first (unless the tick stopped a print changing it: it
        // goes with the next heartbeat or the run's end). Not only when the tick lands in kernel
        // code: a loop that spends most of its time in a firmware call may never be seen there.
        output::flush_stdout_unless_changing();
    }
    let Some(host) = board::host() else {
        return 0;
    };
    let stop = host.poll();
    if due && stop.is_none() {
        // SAFETY: single-threaded.
        let start = unsafe {
            WATCH_HEARTBEAT_IN = HEARTBEAT_TICKS;
            RUN_START
        };
        host.heartbeat(rtio::cycles() - start);
    }
    let Some(reason) = stop else {
        return 0;
    };
    let at = if in_kernel {
        pc
    } else {
        // SAFETY: `saved` is the tick's frame on the kernel's stack (`trap.rs`).
        unsafe { kernel_caller(saved) }
    };
    trap::note_stop(at, reason);
    1
}

/// Where kernel code called the firmware function a tick interrupted: the saved `ra` when it
/// points at kernel code just after a call, else the nearest such word up the stack (a return
/// address the firmware saved); 0 when none is found.
///
/// # Safety
/// `saved` points at the tick's saved registers, below the interrupted stack.
unsafe fn kernel_caller(saved: *const u32) -> u32 {
    /// Words of the interrupted stack searched.
    const SEARCH: usize = 256;
    let after_call = |ra: u32| {
        kernel_code(ra) && kernel_code(ra.wrapping_sub(4)) && {
            // The instruction before: JAL or JALR (a 4-byte call).
            let opcode = core::ptr::read_volatile((ra - 4) as *const u32) & 0x7f;
            opcode == 0x6f || opcode == 0x67
        }
    };
    let ra = *saved;
    if after_call(ra) {
        return ra - 4;
    }
    let stack_top = (MAIN_RAM.base + MAIN_RAM.size) as *const u32;
    let mut word = saved.add(16);
    for _ in 0..SEARCH {
        if word >= stack_top {
            break;
        }
        let v = *word;
        if after_call(v) {
            return v - 4;
        }
        word = word.add(1);
    }
    0
}

//! Running a kernel under a trap handler: `call_kernel` returns 0 when the kernel returns, 1 when it
//! trapped (illegal instruction, misaligned or faulting access), with mcause/mepc/mtval recorded,
//! and 2 when it was stopped (see `watch`).
//! Interrupts are enabled only while a kernel runs; the one there is, the kernel tick (`watch`),
//! calls `kernel_attention` when the host sent bytes or a heartbeat is due, which may stop the
//! kernel.

core::arch::global_asm!(
    ".section .text",
    ".globl call_kernel",
    "call_kernel:",
    "  addi sp, sp, -64",
    "  sw ra, 0(sp)",
    "  sw s0, 4(sp)",
    "  sw s1, 8(sp)",
    "  sw s2, 12(sp)",
    "  sw s3, 16(sp)",
    "  sw s4, 20(sp)",
    "  sw s5, 24(sp)",
    "  sw s6, 28(sp)",
    "  sw s7, 32(sp)",
    "  sw s8, 36(sp)",
    "  sw s9, 40(sp)",
    "  sw s10, 44(sp)",
    "  sw s11, 48(sp)",
    "  la t0, KERNEL_SAVED_SP",
    "  sw sp, 0(t0)",
    // The kernel runs on its own stack (`kernel_return` comes back to this one).
    "  mv sp, a1",
    // The image was written as data: make the instruction cache see it (fence; fence.i).
    "  fence",
    "  .word 0x0000100f",
    // Interrupts (the kernel tick) only while a kernel runs.
    "  csrsi mstatus, 8",
    "  jalr ra, 0(a0)",
    "  li a0, 0",
    "kernel_return:",
    "  csrci mstatus, 8",
    "  la t0, KERNEL_SAVED_SP",
    "  lw sp, 0(t0)",
    "  sw zero, 0(t0)",
    "  lw ra, 0(sp)",
    "  lw s0, 4(sp)",
    "  lw s1, 8(sp)",
    "  lw s2, 12(sp)",
    "  lw s3, 16(sp)",
    "  lw s4, 20(sp)",
    "  lw s5, 24(sp)",
    "  lw s6, 28(sp)",
    "  lw s7, 32(sp)",
    "  lw s8, 36(sp)",
    "  lw s9, 40(sp)",
    "  lw s10, 44(sp)",
    "  lw s11, 48(sp)",
    "  addi sp, sp, 64",
    "  ret",
    ".align 4",
    ".globl trap_entry",
    "trap_entry:",
    "  csrw mscratch, t0",
    "  csrr t0, mcause",
    "  bltz t0, kernel_tick",
    "  la t1, TRAP_CAUSE",
    "  sw t0, 0(t1)",
    "  csrr t0, mepc",
    "  la t1, TRAP_PC",
    "  sw t0, 0(t1)",
    "  csrr t0, mtval",
    "  la t1, TRAP_VALUE",
    "  sw t0, 0(t1)",
    "  la t0, trap_resume",
    "  csrw mepc, t0",
    "  li t0, 0x1800",
    "  csrs mstatus, t0",
    "  mret",
    "trap_resume:",
    // A trap outside a kernel is a firmware fault: restart.
    "  la t0, KERNEL_SAVED_SP",
    "  lw t0, 0(t0)",
    "  beqz t0, _start",
    "  li a0, 1",
    "  j kernel_return",
    // The kernel tick (every `watch::TICK_CYCLES`). Its common case uses t0 (saved in mscratch)
    // and t1 (saved in memory) only. It clears the fast window's roomy flag first
    // (`strobe_abi::RTIO_ROOMY`; the room an answered event vouched for lasts beyond one tick)
    // and notes whether it was set.
    "kernel_tick:",
    "  la t0, INTERRUPT_SAVED_T1",
    "  sw t1, 0(t0)",
    "  la t0, __strobe_rtio_roomy",
    "  lw t1, 0(t0)",
    "  sw zero, 0(t0)",
    "  la t0, WATCH_ROOMY_AT_TICK",
    "  sw t1, 0(t0)",
    "  li t0, {timer_pending}",
    "  li t1, 1",
    "  sw t1, 0(t0)",
    // Attention when the host sent a byte or the heartbeat's countdown ran out.
    "  li t0, {link_rx_level}",
    "  lw t1, 0(t0)",
    "  bnez t1, 2f",
    "  la t0, WATCH_HEARTBEAT_IN",
    "  lw t1, 0(t0)",
    "  addi t1, t1, -1",
    "  sw t1, 0(t0)",
    "  blez t1, 2f",
    "  la t0, INTERRUPT_SAVED_T1",
    "  lw t1, 0(t0)",
    "  csrr t0, mscratch",
    "  mret",
    // Attention may take long (the host link), and a kernel must never act on room that passed
    // meanwhile: between its load of the flag and the unanswered store it decided on, or between
    // an answer saying ROOMY and its store of the flag, it may hold a decision a tick has not seen.
    // So attention waits until answers saying ROOMY have been stopped for a whole tick and the
    // flag was still clear at this one (`kernel_attention` allows room again). Otherwise this tick
    // only stops them: attention comes a tick or two later.
    "2:",
    "  la t0, WATCH_ROOMY_AT_TICK",
    "  lw t1, 0(t0)",
    "  bnez t1, 5f",
    "  la t0, WATCH_ROOM_ALLOWED",
    "  lw t1, 0(t0)",
    "  beqz t1, 4f",
    "5:",
    "  li t0, {fast_room}",
    "  sw zero, 0(t0)",
    "  la t0, WATCH_ROOM_ALLOWED",
    "  sw zero, 0(t0)",
    "  la t0, INTERRUPT_SAVED_T1",
    "  lw t1, 0(t0)",
    "  csrr t0, mscratch",
    "  mret",
    // `kernel_attention(mepc, saved registers)`, every caller-saved register kept on the stack.
    "4:",
    "  la t0, INTERRUPT_SAVED_T1",
    "  lw t1, 0(t0)",
    "  csrr t0, mscratch",
    "  addi sp, sp, -64",
    "  sw ra, 0(sp)",
    "  sw t0, 4(sp)",
    "  sw t1, 8(sp)",
    "  sw t2, 12(sp)",
    "  sw t3, 16(sp)",
    "  sw t4, 20(sp)",
    "  sw t5, 24(sp)",
    "  sw t6, 28(sp)",
    "  sw a0, 32(sp)",
    "  sw a1, 36(sp)",
    "  sw a2, 40(sp)",
    "  sw a3, 44(sp)",
    "  sw a4, 48(sp)",
    "  sw a5, 52(sp)",
    "  sw a6, 56(sp)",
    "  sw a7, 60(sp)",
    "  csrr a0, mepc",
    "  mv a1, sp",
    "  call kernel_attention",
    "  bnez a0, 3f",
    "  lw ra, 0(sp)",
    "  lw t0, 4(sp)",
    "  lw t1, 8(sp)",
    "  lw t2, 12(sp)",
    "  lw t3, 16(sp)",
    "  lw t4, 20(sp)",
    "  lw t5, 24(sp)",
    "  lw t6, 28(sp)",
    "  lw a0, 32(sp)",
    "  lw a1, 36(sp)",
    "  lw a2, 40(sp)",
    "  lw a3, 44(sp)",
    "  lw a4, 48(sp)",
    "  lw a5, 52(sp)",
    "  lw a6, 56(sp)",
    "  lw a7, 60(sp)",
    "  addi sp, sp, 64",
    "  mret",
    // Stopped: leave the interrupt for `kernel_stopped` (machine mode), which abandons the kernel.
    "3:",
    "  la t0, kernel_stopped",
    "  csrw mepc, t0",
    "  li t0, 0x1800",
    "  csrs mstatus, t0",
    "  mret",
    ".globl kernel_stopped",
    "kernel_stopped:",
    "  li a0, 2",
    "  j kernel_return",
    timer_pending = const strobe_regmap::TIMER0_EV_PENDING.addr,
    fast_room = const strobe_regmap::RTIO_O_FAST_ROOM.addr,
    link_rx_level = const strobe_regmap::LINK.base + strobe_abi::link::RX_LEVEL as usize,
);

#[no_mangle]
static mut INTERRUPT_SAVED_T1: u32 = 0;

#[no_mangle]
static mut KERNEL_SAVED_SP: u32 = 0;
#[no_mangle]
static mut TRAP_CAUSE: u32 = 0;
#[no_mangle]
static mut TRAP_PC: u32 = 0;
#[no_mangle]
static mut TRAP_VALUE: u32 = 0;

extern "C" {
    fn call_kernel(entry: u32, stack_top: u32) -> u32;
}

use strobe_session::StopReason;

/// A trap taken inside a kernel.
pub struct Trap {
    pub cause: u32,
    pub pc: u32,
    pub value: u32,
}

/// How a kernel's run ended.
pub enum KernelEnd {
    Returned,
    Trapped(Trap),
    /// Stopped at `pc` (see `watch`).
    Stopped(u32, StopReason),
}

/// Why and where the running kernel is being stopped (set just before `kernel_stopped` runs).
static mut STOPPED: Option<(u32, StopReason)> = None;

/// Runs the kernel at `entry`, on the stack below `stack_top`, until it returns, traps or is stopped.
pub fn run_kernel(entry: u32, stack_top: u32) -> KernelEnd {
    // SAFETY: single-threaded; no kernel runs yet.
    unsafe { STOPPED = None };
    // SAFETY: the session only accepts `entry` inside a complete, CRC-checked image; a kernel that
    // misbehaves traps back here through `trap_entry`, one that is stopped through `kernel_stopped`.
    let end = unsafe { call_kernel(entry, stack_top) };
    // SAFETY: written by the trap handler or `stop` before they resumed here.
    unsafe {
        match (end, STOPPED) {
            (0, _) => KernelEnd::Returned,
            (2, Some((pc, reason))) => KernelEnd::Stopped(pc, reason),
            _ => KernelEnd::Trapped(Trap {
                cause: TRAP_CAUSE,
                pc: TRAP_PC,
                value: TRAP_VALUE,
            }),
        }
    }
}

/// Records where and why the kernel stops; `kernel_stopped` then abandons it.
pub fn note_stop(pc: u32, reason: StopReason) {
    // SAFETY: single-threaded; read by `run_kernel` once the kernel is gone.
    unsafe { STOPPED = Some((pc, reason)) };
}

/// Abandons the running kernel from firmware code it called (whose frames hold nothing to undo:
/// an RPC that ended on a `Stop`): `run_kernel` returns `Stopped(pc, reason)`.
pub fn stop_from_firmware(pc: u32, reason: StopReason) -> ! {
    note_stop(pc, reason);
    // SAFETY: only called while a kernel runs (from a call it made): `kernel_return` restores the
    // firmware's stack and registers saved by `call_kernel`.
    unsafe { core::arch::asm!("j kernel_stopped", options(noreturn)) }
}

//! Running a kernel under a trap handler: `call_kernel` returns 0 when the kernel returns and 1 when it
//! trapped (illegal instruction, misaligned or faulting access), with mcause/mepc/mtval recorded.
//! Interrupts are enabled only while a kernel runs; the one there is (the deadline timer, see
//! `rtio::start`) expires the fast-path deadline and returns to the kernel.

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
    // The image was written as data: make the instruction cache see it (fence; fence.i).
    "  fence",
    "  .word 0x0000100f",
    // Interrupts (the deadline timer) only while a kernel runs.
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
    "  bltz t0, deadline_interrupt",
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
    // The deadline timer (every `rtio::DEADLINE_REFRESH_CYCLES`): the fast-path deadline becomes
    // the cycle counter's value now (expired), so kernels' 32-bit comparisons never wrap. Uses t0
    // (saved in mscratch) and t1 (saved in memory) only.
    "deadline_interrupt:",
    "  la t0, INTERRUPT_SAVED_T1",
    "  sw t1, 0(t0)",
    "  la t0, __strobe_rtio_deadline",
    "  csrr t1, mcycle",
    "  sw t1, 0(t0)",
    "  li t0, {timer_pending}",
    "  li t1, 1",
    "  sw t1, 0(t0)",
    "  la t0, INTERRUPT_SAVED_T1",
    "  lw t1, 0(t0)",
    "  csrr t0, mscratch",
    "  mret",
    timer_pending = const strobe_regmap::TIMER0_EV_PENDING.addr,
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
    fn call_kernel(entry: u32) -> u32;
}

/// A trap taken inside a kernel.
pub struct Trap {
    pub cause: u32,
    pub pc: u32,
    pub value: u32,
}

/// Runs the kernel at `entry`; `Err` when it trapped.
pub fn run_kernel(entry: u32) -> Result<(), Trap> {
    // SAFETY: the session only accepts `entry` inside a complete, CRC-checked image; a kernel that
    // misbehaves traps back here through `trap_entry`.
    let trapped = unsafe { call_kernel(entry) };
    if trapped == 0 {
        Ok(())
    } else {
        // SAFETY: written by the trap handler before it resumed here.
        unsafe {
            Err(Trap {
                cause: TRAP_CAUSE,
                pc: TRAP_PC,
                value: TRAP_VALUE,
            })
        }
    }
}

//! Linux system calls for rv32 programs under qemu-riscv32 (Linux user mode): standalone programs
//! (`linux_user`) and the replaying core device (`strobe-replay-rt`).

use core::arch::asm;

pub const SYS_WRITE: u32 = 64;
pub const SYS_EXIT_GROUP: u32 = 94;
pub const SYS_RT_SIGACTION: u32 = 134;

pub fn write(fd: u32, mut data: &[u8]) {
    while !data.is_empty() {
        let written: i32;
        // SAFETY: Linux `write(fd, buf, len)`; the buffer is valid for `len` bytes.
        unsafe {
            asm!("ecall", in("a7") SYS_WRITE, inlateout("a0") fd => written,
                 in("a1") data.as_ptr(), in("a2") data.len());
        }
        if written <= 0 {
            return;
        }
        data = &data[written as usize..];
    }
}

pub fn exit(code: i32) -> ! {
    // SAFETY: Linux `exit_group(code)` does not return.
    unsafe {
        asm!("ecall", in("a7") SYS_EXIT_GROUP, in("a0") code, options(noreturn));
    }
}

//! The Linux syscalls this program needs beyond the kernel runtime's (riscv32 generic numbers).

use core::arch::asm;
pub use strobe_kernel_rt::linux_sys::{exit, write};

const SYS_READ: u32 = 63;

/// Reads what is there (waiting for at least a byte); 0 at the end of the input.
pub fn read(fd: u32, buf: &mut [u8]) -> usize {
    loop {
        let n: i32;
        // SAFETY: Linux `read(fd, buf, len)` into a buffer valid for `len` bytes.
        unsafe {
            asm!("ecall", in("a7") SYS_READ, inlateout("a0") fd => n,
                 in("a1") buf.as_mut_ptr(), in("a2") buf.len());
        }
        // EINTR (a signal): read again.
        if n == -4 {
            continue;
        }
        return n.max(0) as usize;
    }
}

const SYS_MMAP2: u32 = 222;
const PROT_READ_WRITE: u32 = 0x1 | 0x2;
const MAP_PRIVATE_ANONYMOUS_FIXED: u32 = 0x02 | 0x20 | 0x10;

/// Fresh zeroed memory at `address` (page-aligned), `len` bytes; exits (status 71) when the address
/// space has no room there.
pub fn map_fixed(address: usize, len: usize) -> &'static mut [u32] {
    let mapped: usize;
    // SAFETY: Linux `mmap2(address, len, read|write, private|anonymous|fixed, -1, 0)`: memory no
    // Rust object uses (the program lives far below the RTIO windows' addresses).
    unsafe {
        asm!("ecall", in("a7") SYS_MMAP2, inlateout("a0") address => mapped,
             in("a1") len, in("a2") PROT_READ_WRITE, in("a3") MAP_PRIVATE_ANONYMOUS_FIXED,
             in("a4") -1i32, in("a5") 0);
    }
    if mapped != address {
        write(
            2,
            b"strobe replay device: cannot map the RTIO fast window\n",
        );
        exit(71);
    }
    // SAFETY: `len` bytes just mapped, readable and writable, word-aligned, used only here.
    unsafe { core::slice::from_raw_parts_mut(address as *mut u32, len / 4) }
}

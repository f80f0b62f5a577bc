//! The kernel runtime: what compiled kernels call into (see `strobe_abi::RUNTIME_SYMBOLS`).
//!
//! Platform-neutral parts live in their own modules (arena, formatting, exceptions, strings); the
//! platform layer (`linux_user` for `qemu-riscv32`, later the core-device firmware) supplies output,
//! exit and the program entry.
#![no_std]

pub mod arena;
pub mod exceptions;
pub mod float_repr;
pub mod numeric;
pub mod output;
pub mod rpc;
pub mod strings;

#[cfg(all(feature = "linux-user", target_arch = "riscv32"))]
mod linux_user;

/// Standalone programs own the panic handler; on a device the firmware does.
#[cfg(all(not(test), target_arch = "riscv32", not(feature = "device")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    output::write_stderr(b"strobe runtime: internal panic\n");
    platform_exit(70)
}

/// Ends the program with `code`.
#[cfg(target_arch = "riscv32")]
pub fn platform_exit(code: i32) -> ! {
    #[cfg(feature = "linux-user")]
    {
        linux_user::exit(code)
    }
    #[cfg(not(feature = "linux-user"))]
    {
        let _ = code;
        loop {
            core::hint::spin_loop();
        }
    }
}

#[cfg(test)]
mod abi_table_tests {
    extern crate std;
    use std::format;
    /// Every symbol in the ABI table is defined by this crate (checked against the source text, so the
    /// test runs on the host too).
    #[test]
    fn runtime_defines_every_abi_symbol() {
        let sources = [
            include_str!("arena.rs"),
            include_str!("exceptions.rs"),
            include_str!("numeric.rs"),
            include_str!("strings.rs"),
        ];
        for (name, _) in strobe_abi::RUNTIME_SYMBOLS {
            let defined = sources.iter().any(|s| s.contains(&format!("fn {name}(")));
            assert!(defined, "runtime does not define {name}");
        }
        assert!(sources
            .iter()
            .any(|s| s.contains(strobe_abi::PENDING_EXCEPTION)));
    }
}

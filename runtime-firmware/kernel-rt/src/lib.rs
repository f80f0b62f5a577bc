//! The kernel runtime: what compiled kernels call into (see `strobe_abi::RUNTIME_SYMBOLS`).
//!
//! Platform-neutral parts live in their own modules (arena, formatting, exceptions, strings); the
//! platform layer (`linux_user` for `qemu-riscv32`, later the core-device firmware) supplies output,
//! exit and the program entry.
#![no_std]

pub mod arena;
pub mod chain;
pub mod device;
pub mod exceptions;
pub mod float_repr;
pub mod libm_extra;
pub mod numeric;
pub mod output;
pub mod quoted;
pub mod rpc;
pub mod stack;
pub mod strings;

#[cfg(target_arch = "riscv32")]
pub mod linux_sys;
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
        linux_sys::exit(code)
    }
    #[cfg(not(feature = "linux-user"))]
    {
        let _ = code;
        loop {
            core::hint::spin_loop();
        }
    }
}

/// Every runtime symbol of the kernel ABI is defined here with the listed signature: the list
/// (`strobe_abi::runtime_symbols!`) expands to one typed function pointer per symbol, so a missing or
/// drifted definition is a compile error on every target.
macro_rules! check_definitions {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(const _: () = {
            #[allow(unused_imports)]
            use crate::{
                arena::*, chain::*, exceptions::*, libm_extra::*, numeric::*, output::*, quoted::*,
                strings::*,
            };
            let _definition: unsafe extern "C" fn($($ty),*) -> $ret = $name;
        };)*
    };
}
strobe_abi::runtime_symbols!(check_definitions);

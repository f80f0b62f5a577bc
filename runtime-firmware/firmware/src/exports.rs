//! What kernels link against in the firmware: every runtime and device symbol of the kernel ABI is
//! referenced here so the firmware's linker keeps it (the host reads their addresses from the ELF),
//! through the ABI's own symbol lists: a definition whose signature differs from the list does not
//! compile.

use core::hint::black_box;

/// One typed function pointer per listed symbol, found among the runtime's and the firmware's modules.
macro_rules! keep_all {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $({
            #[allow(unused_imports)]
            use strobe_kernel_rt::{
                arena::*, chain::*, exceptions::*, libm_extra::*, numeric::*, output::*,
                quoted::*, strings::*,
            };
            #[allow(unused_imports)]
            use crate::{dma::*, rpc::*, rtio::*};
            let f: unsafe extern "C" fn($($ty),*) -> $ret = $name;
            black_box(f as usize);
        })*
    };
}

pub fn keep() {
    strobe_abi::runtime_symbols!(keep_all);
    strobe_abi::device_symbols!(keep_all);
    // SAFETY: taking addresses only.
    black_box(
        core::ptr::addr_of!(strobe_kernel_rt::exceptions::__strobe_pending_exception) as usize,
    );
    black_box(core::ptr::addr_of!(crate::rtio::__strobe_now) as usize);
    black_box(core::ptr::addr_of!(crate::rtio::__strobe_rtio_roomy) as usize);
    black_box(core::ptr::addr_of!(strobe_kernel_rt::stack::__strobe_stack_limit) as usize);
}

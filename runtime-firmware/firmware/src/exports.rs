//! What kernels link against in the firmware: every runtime and device symbol of the kernel ABI is
//! referenced here so the firmware's linker keeps it; the host reads their addresses from the ELF.

use core::hint::black_box;

pub fn keep() {
    use strobe_kernel_rt::{arena, exceptions, numeric, strings};
    let table: [usize; 23] = [
        arena::__strobe_alloc as *const () as usize,
        arena::__strobe_list_reserve as *const () as usize,
        exceptions::__strobe_raise as *const () as usize,
        exceptions::__strobe_raise_builtin as *const () as usize,
        exceptions::__strobe_traceback_push as *const () as usize,
        exceptions::__strobe_exception_clear as *const () as usize,
        strings::__strobe_print_str as *const () as usize,
        strings::__strobe_print_repr_str as *const () as usize,
        numeric::__strobe_print_i32 as *const () as usize,
        numeric::__strobe_print_i64 as *const () as usize,
        numeric::__strobe_print_f64 as *const () as usize,
        strings::__strobe_str_from_i32 as *const () as usize,
        strings::__strobe_str_from_i64 as *const () as usize,
        strings::__strobe_str_from_f64 as *const () as usize,
        strings::__strobe_str_concat as *const () as usize,
        strings::__strobe_str_eq as *const () as usize,
        numeric::__strobe_i64_pow as *const () as usize,
        crate::rtio::__strobe_rtio_counter as *const () as usize,
        crate::rtio::__strobe_rtio_output as *const () as usize,
        crate::rtio::__strobe_rtio_output_slow as *const () as usize,
        crate::rtio::__strobe_rtio_gate as *const () as usize,
        crate::rtio::__strobe_rtio_input_timestamp as *const () as usize,
        crate::rpc::__strobe_rpc as *const () as usize,
    ];
    black_box(table);
    // SAFETY: taking addresses only.
    black_box(core::ptr::addr_of!(exceptions::__strobe_pending_exception) as usize);
    black_box(core::ptr::addr_of!(crate::rtio::__strobe_now) as usize);
}

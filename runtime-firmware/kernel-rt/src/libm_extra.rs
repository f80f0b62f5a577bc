//! The C math functions kernels call (numpy's and `scipy.special`'s, `strobe_types::LibmFn`) that
//! compiler-builtins does not define, from the `libm` crate under their C names. They are runtime
//! symbols of the kernel ABI (`strobe_abi::runtime_symbols!`): the firmware exports them.

#[no_mangle]
pub extern "C" fn asinh(x: f64) -> f64 {
    libm::asinh(x)
}

#[no_mangle]
pub extern "C" fn acosh(x: f64) -> f64 {
    libm::acosh(x)
}

#[no_mangle]
pub extern "C" fn atanh(x: f64) -> f64 {
    libm::atanh(x)
}

#[no_mangle]
pub extern "C" fn nextafter(x: f64, y: f64) -> f64 {
    libm::nextafter(x, y)
}

#[no_mangle]
pub extern "C" fn lgamma(x: f64) -> f64 {
    libm::lgamma(x)
}

#[no_mangle]
pub extern "C" fn j0(x: f64) -> f64 {
    libm::j0(x)
}

#[no_mangle]
pub extern "C" fn j1(x: f64) -> f64 {
    libm::j1(x)
}

#[no_mangle]
pub extern "C" fn y0(x: f64) -> f64 {
    libm::y0(x)
}

#[no_mangle]
pub extern "C" fn y1(x: f64) -> f64 {
    libm::y1(x)
}

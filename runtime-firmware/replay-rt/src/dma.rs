//! DMA on the replaying device: not available (a kernel that uses it gets DMAError, and its replay
//! shows where it diverged from the recording).

use strobe_abi::ExceptionId;
use strobe_kernel_rt::exceptions::raise_builtin;

crate::journal::journaled_entry!("__strobe_dma_playback" => "strobe_dma_playback");

fn unavailable() {
    raise_builtin(
        ExceptionId::DMAError,
        "DMAError",
        "DMA is not available on the qemu core device",
    );
}

/// Whether an output event goes to a DMA recording instead (never here).
pub fn recording(_channel: u32, _timestamp: i64, _value: u32) -> bool {
    false
}

#[no_mangle]
pub extern "C" fn __strobe_dma_record_start(_name: *const u8, _len: u32) {
    unavailable()
}

#[no_mangle]
pub extern "C" fn __strobe_dma_record_stop(_duration: i64) {
    unavailable()
}

#[no_mangle]
pub extern "C" fn __strobe_dma_erase(_name: *const u8, _len: u32) {}

#[no_mangle]
pub extern "C" fn __strobe_dma_retrieve(_name: *const u8, _len: u32) -> i32 {
    unavailable();
    -1
}

#[no_mangle]
pub extern "C" fn __strobe_dma_duration(_trace: i32) -> i64 {
    0
}

#[no_mangle]
extern "C" fn strobe_dma_playback(_timestamp: i64, _trace: i32) {
    unavailable()
}

//! The kernel ABI's RTIO calls on the replaying device: the counter and inputs from the journal,
//! late outputs where the journal says, every other TTL output event written to stderr
//! (`rtio <timestamp> <channel> <value>`; the host turns them into the pins' edges).

use crate::journal::{self, journaled_entry};
use crate::sys;
use strobe_kernel_rt::device::{raise_rtio_overflow, raise_rtio_underflow};
use strobe_protocol::journal::{Consumer, RecordKind};

/// The timeline cursor between kernels (`strobe_abi::NOW`): read by a kernel's entry, written back
/// when it ends.
#[no_mangle]
pub static mut __strobe_now: i64 = 0;

/// The fast window's roomy flag (`strobe_abi::RTIO_ROOMY`): never set here, as the window never
/// takes an event.
#[no_mangle]
pub static mut __strobe_rtio_roomy: u32 = 0;

/// Before the kernel: its timeline starts at `now`. Kernels offer events to the RTIO core's fast
/// window (`strobe_abi::rtio::fast`); here it is memory whose event words all read
/// `ELSEWHERE`, so every event takes the exact path.
pub fn start(now: i64) {
    // SAFETY: single-threaded; the kernel does not run yet.
    unsafe { __strobe_now = now };
    use strobe_abi::rtio::fast;
    let window = sys::map_fixed(strobe_regmap::RTIO_FAST.base, fast::WINDOW_SIZE as usize);
    let events = &mut window[fast::EVENT_BASE_OFFSET as usize / 4..];
    events.fill(fast::ELSEWHERE);
}

journaled_entry!("__strobe_rtio_counter" => "strobe_rtio_counter");
journaled_entry!("__strobe_rtio_output" => "strobe_rtio_output");
journaled_entry!("__strobe_rtio_gate" => "strobe_rtio_gate");
journaled_entry!("__strobe_rtio_input_timestamp" => "strobe_rtio_input_timestamp");
journaled_entry!("__strobe_rtio_input_data" => "strobe_rtio_input_data");

#[no_mangle]
extern "C" fn strobe_rtio_counter() -> i64 {
    journal::replay(Consumer::Counter).value
}

#[no_mangle]
extern "C" fn strobe_rtio_output(channel: u32, timestamp: i64, value: u32) {
    output(channel, timestamp, value)
}

pub fn output(channel: u32, timestamp: i64, value: u32) {
    if crate::dma::recording(channel, timestamp, value) {
        return;
    }
    if let Some(late) = journal::replay_late(RecordKind::Underflow, timestamp) {
        return raise_rtio_underflow(channel, timestamp, late.extra);
    }
    // The pins: the TTL outputs and the input-output channels' outputs (not clock generators,
    // other addresses of the input-output channels or the log channel).
    let outputs = strobe_regmap::RTIO_OUTPUTS as u32;
    let inouts = outputs + strobe_regmap::RTIO_CLOCK_GENERATORS as u32;
    if channel < outputs || (inouts..inouts + strobe_regmap::RTIO_INPUTS as u32).contains(&channel)
    {
        edge(channel, timestamp, value);
    }
}

/// Ends an `rtio_log(...)` (the log channel drives no pin: the text is dropped here, its events
/// recorded by DMA as on the device).
#[no_mangle]
pub extern "C" fn __strobe_rtio_log_end(timestamp: i64) {
    strobe_kernel_rt::output::end_rtio_log(|word| {
        output(strobe_abi::rtio::LOG_CHANNEL, timestamp, word)
    });
}

/// One line of the pins' trace on stderr.
fn edge(channel: u32, timestamp: i64, value: u32) {
    let mut line = [0u8; 64];
    let mut w = Cursor {
        buf: &mut line,
        len: 0,
    };
    let _ = core::fmt::write(&mut w, format_args!("rtio {timestamp} {channel} {value}\n"));
    let len = w.len;
    sys::write(2, &line[..len]);
}

struct Cursor<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl core::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let room = self
            .buf
            .get_mut(self.len..self.len + s.len())
            .ok_or(core::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

#[no_mangle]
extern "C" fn strobe_rtio_gate(channel: u32, timestamp: i64, sensitivity: u32) {
    output(
        strobe_abi::rtio::INPUT_SENSITIVITY_CHANNEL_BASE + channel,
        timestamp,
        sensitivity,
    );
}

fn input(wanted: Consumer) -> i64 {
    let r = journal::replay(wanted);
    if r.kind == RecordKind::InputOverflow {
        raise_rtio_overflow(r.value as u32);
        return -1;
    }
    r.value
}

#[no_mangle]
extern "C" fn strobe_rtio_input_timestamp(_channel: u32, _deadline: i64) -> i64 {
    input(Consumer::InputTimestamp)
}

#[no_mangle]
extern "C" fn strobe_rtio_input_data(_channel: u32, _deadline: i64) -> i32 {
    input(Consumer::InputData) as i32
}

//! RTIO for kernels: the timeline cursor, timestamped TTL output, gated input timestamps. Late
//! output raises `RTIOUnderflow` in the kernel with the channel, the timestamp and the slack; a
//! sequence error or a collision drops the event and goes to the core log, as in ARTIQ.

use strobe_abi::rtio::{event_words, input_status, output_status};
use strobe_abi::ExceptionId;
use strobe_kernel_rt::exceptions::raise_builtin_fmt;
use strobe_regmap::{
    RTIO_CHAN_SEL, RTIO_COUNTER, RTIO_COUNTER_UPDATE, RTIO_I_DATA, RTIO_I_OVERFLOW_CLEAR,
    RTIO_I_RE, RTIO_I_STATUS, RTIO_I_TIMESTAMP, RTIO_O_ERROR_CHANNEL, RTIO_O_EVENT, RTIO_O_STATUS,
    RTIO_O_STATUS_CLEAR,
};
use strobe_session::RtioError;

const STATUS_BUSY: u64 = output_status::BUSY as u64;
const STATUS_UNDERFLOW: u64 = output_status::UNDERFLOW as u64;
const STATUS_SEQUENCE_ERROR: u64 = output_status::SEQUENCE_ERROR as u64;
const STATUS_OVERFLOW: u64 = output_status::OVERFLOW as u64;
const STATUS_COLLISION: u64 = output_status::COLLISION as u64;
const STATUS_ERRORS: u64 = output_status::ERRORS as u64;

/// The timeline cursor (`now_mu()`), read and written by kernels directly.
#[no_mangle]
pub static mut __strobe_now: i64 = 0;

#[no_mangle]
pub extern "C" fn __strobe_rtio_counter() -> i64 {
    RTIO_COUNTER_UPDATE.write(1);
    RTIO_COUNTER.read() as i64
}

/// The event words kernels also write inline (`strobe_abi::rtio::event_words`).
#[inline(always)]
fn write_event(channel: u32, timestamp: i64, value: u32) {
    RTIO_O_EVENT.write_words(&event_words(channel, timestamp, value));
}

#[no_mangle]
pub extern "C" fn __strobe_rtio_output(channel: u32, timestamp: i64, value: u32) {
    write_event(channel, timestamp, value);
    let status = RTIO_O_STATUS.read();
    if status & STATUS_ERRORS != 0 {
        __strobe_rtio_output_slow(channel, timestamp, value, status as u32);
    }
}

/// The rare path after an event write: a full FIFO (wait and write again), a late event (raise in
/// the kernel), an out-of-order or colliding one (dropped, written to the core log).
#[no_mangle]
pub extern "C" fn __strobe_rtio_output_slow(channel: u32, timestamp: i64, value: u32, status: u32) {
    let mut status = status as u64;
    RTIO_O_STATUS_CLEAR.write(1);
    while status & STATUS_OVERFLOW != 0
        && status & (STATUS_UNDERFLOW | STATUS_SEQUENCE_ERROR | STATUS_COLLISION) == 0
    {
        write_event(channel, timestamp, value);
        status = RTIO_O_STATUS.read();
        RTIO_O_STATUS_CLEAR.write(1);
    }
    if status & STATUS_UNDERFLOW != 0 {
        let slack = timestamp - __strobe_rtio_counter();
        raise_builtin_fmt(
            ExceptionId::RTIOUnderflow,
            "RTIOUnderflow",
            format_args!("RTIO underflow at {timestamp} mu, channel {channel}, slack {slack} mu"),
        );
    } else if status & (STATUS_SEQUENCE_ERROR | STATUS_COLLISION) != 0 {
        let error = if status & STATUS_SEQUENCE_ERROR != 0 {
            RtioError::SequenceError
        } else {
            RtioError::Collision
        };
        crate::board::core_log().rtio_error(error, RTIO_O_ERROR_CHANNEL.read() as u8);
    }
}

/// Waits (up to `limit` cycles) until every queued output event has played.
pub fn drain(limit: i64) {
    let start = __strobe_rtio_counter();
    while RTIO_O_STATUS.read() & STATUS_BUSY != 0 && __strobe_rtio_counter() - start < limit {}
}

/// Sets input `channel`'s sensitivity (`strobe_abi::rtio::sensitivity` bits; 0 closes the gate) at
/// the timeline cursor: an event on the input's sensitivity channel, refused like any late event.
#[no_mangle]
pub extern "C" fn __strobe_rtio_gate(channel: u32, sensitivity: u32) {
    // SAFETY: single-threaded; kernels run on this thread.
    let now = unsafe { __strobe_now };
    __strobe_rtio_output(
        strobe_abi::rtio::INPUT_SENSITIVITY_CHANNEL_BASE + channel,
        now,
        sensitivity,
    );
}

/// The next entry (an edge or a sample) of input `channel` from up to `deadline`, waiting until the
/// RTIO counter passes it (and the input latency): its (timestamp, level), None when none came. Entries lost to a full input FIFO raise
/// `RTIOOverflow` (as ARTIQ's).
fn next_input(channel: u32, deadline: i64) -> Option<(i64, i32)> {
    RTIO_CHAN_SEL.write(channel as u64);
    if RTIO_I_STATUS.read() & input_status::OVERFLOW as u64 != 0 {
        RTIO_I_OVERFLOW_CLEAR.write(1);
        raise_builtin_fmt(
            ExceptionId::RTIOOverflow,
            "RTIOOverflow",
            format_args!("RTIO input overflow on channel {channel}"),
        );
        return None;
    }
    let ready = || RTIO_I_STATUS.read() & input_status::READY as u64 != 0;
    loop {
        // Past the deadline, look once more: an entry may have come since the last look.
        let past = __strobe_rtio_counter() > deadline + strobe_abi::rtio::INPUT_LATENCY_MU;
        if ready() {
            let entry = (RTIO_I_TIMESTAMP.read() as i64, RTIO_I_DATA.read() as i32);
            RTIO_I_RE.write(1);
            return Some(entry);
        }
        if past {
            return None;
        }
    }
}

#[no_mangle]
pub extern "C" fn __strobe_rtio_input_timestamp(channel: u32, deadline: i64) -> i64 {
    next_input(channel, deadline).map_or(-1, |(t, _)| t)
}

#[no_mangle]
pub extern "C" fn __strobe_rtio_input_data(channel: u32, deadline: i64) -> i32 {
    next_input(channel, deadline).map_or(-1, |(_, level)| level)
}

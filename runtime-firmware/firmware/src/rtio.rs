//! RTIO for kernels: timestamped TTL output (the exact path behind kernels' fast window, and
//! whether that window is open), gated input timestamps. Late output raises
//! `RTIOUnderflow` in the kernel with the channel, the timestamp and the slack; a sequence error or
//! a collision drops the event and goes to the core log, as in ARTIQ.
//!
//! The calls kernels make in their timing-critical loops are in `.text.hot` (see the linker
//! script in strobe-regmap): together, they never evict one another from the instruction cache.

use crate::journal::{self, journaled_entry};
use strobe_abi::rtio::{event_words, input_status, output_status};
use strobe_kernel_rt::device::{raise_rtio_overflow, raise_rtio_underflow};
use strobe_protocol::journal::{Consumer, JournalMode, RecordKind};
use strobe_regmap::{
    IDLE_WAITING, RTIO_CHAN_SEL, RTIO_COUNTER, RTIO_COUNTER_UPDATE, RTIO_I_DATA,
    RTIO_I_OVERFLOW_CLEAR, RTIO_I_RE, RTIO_I_STATUS, RTIO_I_TIMESTAMP, RTIO_O_ERROR_CHANNEL,
    RTIO_O_EVENT, RTIO_O_FAST_OPEN, RTIO_O_STATUS, RTIO_O_STATUS_CLEAR, RTIO_O_UNDERFLOW_CHANNEL,
};
use strobe_session::RtioError;

const STATUS_BUSY: u64 = output_status::BUSY as u64;
const STATUS_UNDERFLOW: u64 = output_status::UNDERFLOW as u64;
const STATUS_SEQUENCE_ERROR: u64 = output_status::SEQUENCE_ERROR as u64;
const STATUS_OVERFLOW: u64 = output_status::OVERFLOW as u64;
const STATUS_COLLISION: u64 = output_status::COLLISION as u64;
const STATUS_ERRORS: u64 = output_status::ERRORS as u64;

/// The timeline cursor between kernels (`strobe_abi::NOW`): read by a kernel's entry, written back
/// when it ends.
#[no_mangle]
pub static mut __strobe_now: i64 = 0;

/// While DMA records, events go to the recording and the fast window stays closed.
static mut RECORDING: bool = false;

/// The CPU's cycle counter (`mcycle`), read consistently.
pub fn cycles() -> u64 {
    loop {
        let (high, low, again): (u32, u32, u32);
        // SAFETY: reading counters has no side effect.
        unsafe {
            core::arch::asm!(
                "csrr {0}, mcycleh", "csrr {1}, mcycle", "csrr {2}, mcycleh",
                out(reg) high, out(reg) low, out(reg) again,
                options(nomem, nostack),
            )
        };
        if high == again {
            return (high as u64) << 32 | low as u64;
        }
    }
}

/// The fast window's roomy flag (`strobe_abi::RTIO_ROOMY`): set by kernels from the window's
/// answers, cleared here and by every kernel tick (`trap.rs`).
#[no_mangle]
pub static mut __strobe_rtio_roomy: u32 = 0;

/// Opens the fast window for a kernel's events (`strobe_abi::rtio::fast`), unless they must not
/// reach the RTIO core directly: while DMA records and in a replay, every event takes the exact
/// path. Either way the roomy flag is cleared: the next event is answered.
pub fn open_fast_window() {
    // SAFETY: single-threaded; kernels read it only while they run, on this thread.
    unsafe { __strobe_rtio_roomy = 0 };
    crate::watch::allow_room();
    // SAFETY: single-threaded.
    let elsewhere = unsafe { RECORDING } || journal::mode() == JournalMode::Replay;
    RTIO_O_FAST_OPEN.write(!elsewhere as u64);
}

/// The RTIO counter now (the firmware's own reads: not journaled).
#[link_section = ".text.hot"]
pub fn counter() -> i64 {
    RTIO_COUNTER_UPDATE.write(1);
    RTIO_COUNTER.read() as i64
}

// The kernel ABI's RTIO calls that consume values from the outside world note their call site for
// the journal (see `journal.rs`).
journaled_entry!("__strobe_rtio_counter" => "strobe_rtio_counter");
journaled_entry!("__strobe_rtio_output" => "strobe_rtio_output");
journaled_entry!("__strobe_rtio_gate" => "strobe_rtio_gate");
journaled_entry!("__strobe_rtio_input_timestamp" => "strobe_rtio_input_timestamp");
journaled_entry!("__strobe_rtio_input_data" => "strobe_rtio_input_data");

extern "C" {
    pub fn __strobe_rtio_counter() -> i64;
    pub fn __strobe_rtio_output(channel: u32, timestamp: i64, value: u32);
    pub fn __strobe_rtio_gate(channel: u32, timestamp: i64, sensitivity: u32);
    pub fn __strobe_rtio_input_timestamp(channel: u32, deadline: i64) -> i64;
    pub fn __strobe_rtio_input_data(channel: u32, deadline: i64) -> i32;
}

/// A kernel's `rtio_get_counter()`: the counter, or the recorded one in a replay.
#[no_mangle]
#[link_section = ".text.hot"]
extern "C" fn strobe_rtio_counter() -> i64 {
    // Without a journal: no stack frame, three bus accesses (ARTIQ's test_rtio_counter wants two
    // reads within 1 us, cold caches included).
    match journal::mode() {
        JournalMode::Off => counter(),
        mode => journaled_counter(mode),
    }
}

#[cold]
#[inline(never)]
fn journaled_counter(mode: JournalMode) -> i64 {
    if mode == JournalMode::Replay {
        return journal::replay(Consumer::Counter).value;
    }
    let now = counter();
    journal::record(RecordKind::Counter, now, 0);
    now
}

/// The event words of the `o_event` register.
#[inline(always)]
fn write_event(channel: u32, timestamp: i64, value: u32) {
    RTIO_O_EVENT.write_words(&event_words(channel, timestamp, value));
}

/// The exact path: writes the event and reads the RTIO core's verdict. A full FIFO: wait and write
/// again; late: RTIOUnderflow in the kernel; out of order or colliding: dropped, in the core log.
#[no_mangle]
#[link_section = ".text.hot"]
extern "C" fn strobe_rtio_output(channel: u32, timestamp: i64, value: u32) {
    output(channel, timestamp, value)
}

#[link_section = ".text.hot"]
fn output(channel: u32, timestamp: i64, value: u32) {
    // SAFETY: single-threaded.
    if unsafe { RECORDING } || journal::mode() == JournalMode::Replay {
        return output_elsewhere(channel, timestamp, value);
    }
    let status = write_checked(channel, timestamp, value);
    if status & STATUS_UNDERFLOW != 0 {
        late_output(channel, timestamp);
    }
}

/// An event while DMA records (into the recording) or in a replay (see [`replay_output`]). Out
/// of `.text.hot`, as every rare path of the RTIO calls: their hot lines stay few, and so do the
/// instruction-cache lines kernel code shares with them.
#[cold]
#[inline(never)]
fn output_elsewhere(channel: u32, timestamp: i64, value: u32) {
    // SAFETY: single-threaded.
    if unsafe { RECORDING } {
        let _critical = crate::watch::Critical::enter();
        crate::dma::record_event(channel, timestamp, value);
        return;
    }
    replay_output(channel, timestamp, value)
}

/// An event the RTIO core refused as late: RTIOUnderflow in the kernel, with the slack.
#[cold]
#[inline(never)]
fn late_output(channel: u32, timestamp: i64) {
    let slack = timestamp - counter();
    journal::record(RecordKind::Underflow, timestamp, slack);
    raise_rtio_underflow(channel, timestamp, slack)
}

/// A replayed output: late where the recording says (its slack), else written `journal::shift()`
/// later, with the fast window closed (every event takes this path). Gate events are not
/// written: a replay reads no inputs. An event late on this device that was in time in the
/// recording stops the kernel: the replay fell behind.
fn replay_output(channel: u32, timestamp: i64, value: u32) {
    if let Some(late) = journal::replay_late(RecordKind::Underflow, timestamp) {
        return raise_rtio_underflow(channel, timestamp, late.extra);
    }
    if channel >= strobe_abi::rtio::INPUT_SENSITIVITY_CHANNEL_BASE {
        return;
    }
    let status = write_checked(channel, timestamp + journal::shift(), value);
    if status & STATUS_UNDERFLOW != 0 {
        journal::diverge(Consumer::LateOutput, journal::site());
    }
}

/// Writes an event (again while the FIFO is full) and returns the RTIO core's verdict, its
/// sequence error or collision already in the core log.
#[link_section = ".text.hot"]
fn write_checked(channel: u32, timestamp: i64, value: u32) -> u64 {
    write_event(channel, timestamp, value);
    let status = RTIO_O_STATUS.read();
    if status & STATUS_ERRORS != 0 {
        return refused(channel, timestamp, value, status);
    }
    status
}

/// [`write_checked`] of an event the RTIO core did not queue (`status`): written again while its
/// FIFO is full; the final verdict.
#[cold]
#[inline(never)]
fn refused(channel: u32, timestamp: i64, value: u32, mut status: u64) -> u64 {
    RTIO_O_STATUS_CLEAR.write(1);
    while status & STATUS_OVERFLOW != 0
        && status & (STATUS_UNDERFLOW | STATUS_SEQUENCE_ERROR | STATUS_COLLISION) == 0
    {
        write_event(channel, timestamp, value);
        status = RTIO_O_STATUS.read();
        RTIO_O_STATUS_CLEAR.write(1);
    }
    if status & STATUS_UNDERFLOW == 0 {
        log_refusals(status);
    }
    status
}

/// Writes the sequence error or collision `status` shows to the core log (the events of the fast
/// window and of DMA are refused without the CPU waiting: their refusals are read here later).
fn log_refusals(status: u64) {
    let _critical = crate::watch::Critical::enter();
    if status & (STATUS_SEQUENCE_ERROR | STATUS_COLLISION) != 0 {
        let error = if status & STATUS_SEQUENCE_ERROR != 0 {
            RtioError::SequenceError
        } else {
            RtioError::Collision
        };
        crate::board::core_log().rtio_error(error, RTIO_O_ERROR_CHANNEL.read() as u8);
    }
}

/// Reads the refusals of events written without the CPU waiting (the fast window, DMA) into the
/// core log. An underflow there means the fast path's bound failed: also logged, never silent.
pub fn collect_refusals() {
    let status = RTIO_O_STATUS.read();
    if status & (STATUS_SEQUENCE_ERROR | STATUS_COLLISION | STATUS_UNDERFLOW) != 0 {
        let _critical = crate::watch::Critical::enter();
        RTIO_O_STATUS_CLEAR.write(1);
        log_refusals(status);
        if status & STATUS_UNDERFLOW != 0 {
            crate::board::core_log().rtio_error(
                RtioError::LateFastEvent,
                RTIO_O_UNDERFLOW_CHANNEL.read() as u8,
            );
        }
    }
}

/// Starts or ends DMA recording: events go to the recording, not to the RTIO core.
pub fn set_recording(on: bool) {
    // SAFETY: single-threaded.
    unsafe { RECORDING = on };
    open_fast_window();
}

/// Tells the gateware the CPU only waits until the host's next byte (or until queued events have
/// played): the simulated RTIO counter keeps up with the host's clock meanwhile, as a real
/// device's runs on. The host's next byte ends it; a CPU that goes on waiting says so again.
pub fn waiting() {
    IDLE_WAITING.write(1);
}

/// Waits (up to `limit` machine units) until every queued output event has played; whether they all
/// have.
pub fn drain(limit: i64) -> bool {
    let start = counter();
    loop {
        if RTIO_O_STATUS.read() & STATUS_BUSY == 0 {
            return true;
        }
        waiting();
        if counter() - start >= limit {
            return false;
        }
    }
}

/// Ends an `rtio_log(...)`: its text goes to the RTIO log channel at `timestamp`
/// (`strobe_abi::rtio::log_words`), where ARTIQ's analyzer shows it (recorded by DMA too).
#[no_mangle]
pub extern "C" fn __strobe_rtio_log_end(timestamp: i64) {
    strobe_kernel_rt::output::end_rtio_log(|word| {
        output(strobe_abi::rtio::LOG_CHANNEL, timestamp, word)
    });
}

/// Sets input `channel`'s sensitivity (`strobe_abi::rtio::sensitivity` bits; 0 closes the gate) at
/// `timestamp`: an event on the input's sensitivity channel, refused like any late event.
#[no_mangle]
#[link_section = ".text.hot"]
extern "C" fn strobe_rtio_gate(channel: u32, timestamp: i64, sensitivity: u32) {
    output(
        strobe_abi::rtio::INPUT_SENSITIVITY_CHANNEL_BASE + channel,
        timestamp,
        sensitivity,
    );
}

/// What an input read found.
enum Input {
    /// An entry's timestamp and level.
    Entry(i64, i32),
    /// None before the deadline.
    Nothing,
    /// The input's FIFO overflowed: entries were lost.
    Overflow,
}

/// The next entry (an edge or a sample) of input `channel` from up to `deadline`, waiting until the
/// RTIO counter passes it (and the input latency).
#[link_section = ".text.hot"]
fn read_input(channel: u32, deadline: i64) -> Input {
    RTIO_CHAN_SEL.write(channel as u64);
    if RTIO_I_STATUS.read() & input_status::OVERFLOW as u64 != 0 {
        RTIO_I_OVERFLOW_CLEAR.write(1);
        return Input::Overflow;
    }
    let ready = || RTIO_I_STATUS.read() & input_status::READY as u64 != 0;
    loop {
        // Past the deadline, look once more: an entry may have come since the last look.
        let past = counter() > deadline + strobe_abi::rtio::INPUT_LATENCY_MU;
        if ready() {
            let entry = Input::Entry(RTIO_I_TIMESTAMP.read() as i64, RTIO_I_DATA.read() as i32);
            RTIO_I_RE.write(1);
            return entry;
        }
        if past {
            return Input::Nothing;
        }
    }
}

/// A kernel's input read: `field` of the next entry (-1 when none came), the recorded value in a
/// replay (`wanted`, recorded as `kind`). Entries lost to a full input FIFO raise `RTIOOverflow`
/// (as ARTIQ's).
#[inline(always)]
fn next_input(
    channel: u32,
    deadline: i64,
    wanted: Consumer,
    kind: RecordKind,
    field: impl Fn(i64, i32) -> i64,
) -> i64 {
    let mode = journal::mode();
    if mode == JournalMode::Off {
        // The common case, kept lean: no journal.
        return match read_input(channel, deadline) {
            Input::Entry(timestamp, level) => field(timestamp, level),
            Input::Nothing => -1,
            Input::Overflow => {
                raise_rtio_overflow(channel);
                -1
            }
        };
    }
    journaled_input(channel, deadline, wanted, kind, &field)
}

/// [`next_input`] of a recorded or replayed run.
#[inline(never)]
fn journaled_input(
    channel: u32,
    deadline: i64,
    wanted: Consumer,
    kind: RecordKind,
    field: &dyn Fn(i64, i32) -> i64,
) -> i64 {
    let (value, overflowed_channel) = if journal::mode() == JournalMode::Replay {
        let r = journal::replay(wanted);
        match r.kind {
            RecordKind::InputOverflow => (-1, Some(r.value as u32)),
            _ => (r.value, None),
        }
    } else {
        match read_input(channel, deadline) {
            Input::Entry(timestamp, level) => {
                let v = field(timestamp, level);
                journal::record(kind, v, 0);
                (v, None)
            }
            Input::Nothing => {
                journal::record(kind, -1, 0);
                (-1, None)
            }
            Input::Overflow => {
                journal::record(RecordKind::InputOverflow, channel as i64, 0);
                (-1, Some(channel))
            }
        }
    };
    if let Some(channel) = overflowed_channel {
        raise_rtio_overflow(channel);
    }
    value
}

#[no_mangle]
#[link_section = ".text.hot"]
extern "C" fn strobe_rtio_input_timestamp(channel: u32, deadline: i64) -> i64 {
    next_input(
        channel,
        deadline,
        Consumer::InputTimestamp,
        RecordKind::InputTimestamp,
        |timestamp, _| timestamp,
    )
}

#[no_mangle]
#[link_section = ".text.hot"]
extern "C" fn strobe_rtio_input_data(channel: u32, deadline: i64) -> i32 {
    next_input(
        channel,
        deadline,
        Consumer::InputData,
        RecordKind::InputData,
        |_, level| level as i64,
    ) as i32
}

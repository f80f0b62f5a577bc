//! DMA (`core_dma`): named traces of output events, recorded by kernels into the RTIO core's DMA
//! memory and played back by its engine (one event per cycle while the channel FIFOs take them).
//! Traces lie packed from the memory's start in the order they were recorded; a trace replaced or
//! erased is cut out and the ones after it move down. They persist across kernels until erased or
//! the device restarts.

use crate::journal;
use strobe_abi::rtio::dma::{entry_words, status, ENTRY_BYTES};
use strobe_abi::ExceptionId;
use strobe_kernel_rt::device::raise_dma_underflow;
use strobe_kernel_rt::exceptions::raise_builtin_fmt;
use strobe_protocol::journal::{Consumer, JournalMode, RecordKind};
use strobe_regmap::{
    RTIO_DMA, RTIO_DMA_BASE, RTIO_DMA_COUNT, RTIO_DMA_ERROR_CHANNEL, RTIO_DMA_ERROR_CLEAR,
    RTIO_DMA_ERROR_TIMESTAMP, RTIO_DMA_FIRST, RTIO_DMA_START, RTIO_DMA_STATUS,
};

/// Traces the device keeps at once.
const MAX_TRACES: usize = 32;
/// Bytes of a trace's name.
const MAX_NAME: usize = 64;
/// Entries the DMA memory holds.
const CAPACITY: u32 = RTIO_DMA.size as u32 / ENTRY_BYTES;

#[derive(Clone, Copy)]
struct Name {
    bytes: [u8; MAX_NAME],
    len: usize,
}

impl Name {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[derive(Clone, Copy)]
struct Trace {
    name: Name,
    first: u32,
    count: u32,
    duration: i64,
}

struct Recording {
    name: Name,
    first: u32,
    count: u32,
    /// Events that did not fit the memory.
    dropped: u32,
}

struct Traces {
    traces: [Option<Trace>; MAX_TRACES],
    recording: Option<Recording>,
}

static mut TRACES: Traces = Traces {
    traces: [None; MAX_TRACES],
    recording: None,
};

fn traces() -> &'static mut Traces {
    // SAFETY: single-threaded firmware; no reference outlives the call that takes it.
    unsafe { &mut *core::ptr::addr_of_mut!(TRACES) }
}

fn dma_error(args: core::fmt::Arguments<'_>) {
    raise_builtin_fmt(ExceptionId::DMAError, "DMAError", args);
}

/// The kernel's name bytes, or None (DMAError pending) when too long.
fn name_from(ptr: *const u8, len: u32) -> Option<Name> {
    let len = len as usize;
    if len > MAX_NAME {
        dma_error(format_args!(
            "DMA trace name of {len} bytes (at most {MAX_NAME})"
        ));
        return None;
    }
    let mut name = Name {
        bytes: [0; MAX_NAME],
        len,
    };
    if len > 0 {
        // SAFETY: the kernel passes a string's bytes: `len` readable bytes at `ptr`.
        name.bytes[..len].copy_from_slice(unsafe { core::slice::from_raw_parts(ptr, len) });
    }
    Some(name)
}

fn entry_address(index: u32) -> *mut u32 {
    (RTIO_DMA.base + (index * ENTRY_BYTES) as usize) as *mut u32
}

fn write_entry(index: u32, words: [u32; 4]) {
    let at = entry_address(index);
    for (i, w) in words.iter().enumerate() {
        // SAFETY: `index` < CAPACITY: inside the DMA memory window.
        unsafe { at.add(i).write_volatile(*w) };
    }
}

fn read_entry(index: u32) -> [u32; 4] {
    let at = entry_address(index);
    let mut words = [0; 4];
    for (i, w) in words.iter_mut().enumerate() {
        // SAFETY: as in `write_entry`.
        *w = unsafe { at.add(i).read_volatile() };
    }
    words
}

/// The first entry past every trace (where a recording starts).
fn used_end(traces: &Traces) -> u32 {
    traces
        .traces
        .iter()
        .flatten()
        .map(|t| t.first + t.count)
        .max()
        .unwrap_or(0)
}

/// Cuts trace `slot` out; the entries after it (traces, a recording) move down.
fn remove(traces: &mut Traces, slot: usize) {
    let Some(gone) = traces.traces[slot].take() else {
        return;
    };
    let end = used_end(traces).max(traces.recording.as_ref().map_or(0, |r| r.first + r.count));
    for index in gone.first + gone.count..end {
        write_entry(index - gone.count, read_entry(index));
    }
    for t in traces.traces.iter_mut().flatten() {
        if t.first > gone.first {
            t.first -= gone.count;
        }
    }
    if let Some(r) = traces.recording.as_mut() {
        if r.first > gone.first {
            r.first -= gone.count;
        }
    }
}

fn find(traces: &Traces, name: &[u8]) -> Option<usize> {
    traces
        .traces
        .iter()
        .position(|t| t.as_ref().is_some_and(|t| t.name.as_bytes() == name))
}

#[no_mangle]
pub extern "C" fn __strobe_dma_record_start(name: *const u8, name_len: u32) {
    // The trace table outlives the run: never left half-changed by a stop.
    let _critical = crate::watch::Critical::enter();
    let traces = traces();
    if traces.recording.is_some() {
        dma_error(format_args!("DMA is already recording"));
        return;
    }
    let Some(name) = name_from(name, name_len) else {
        return;
    };
    traces.recording = Some(Recording {
        name,
        first: used_end(traces),
        count: 0,
        dropped: 0,
    });
    crate::rtio::set_recording(true);
}

/// An event written while recording.
pub fn record_event(channel: u32, timestamp: i64, value: u32) {
    let Some(r) = traces().recording.as_mut() else {
        return;
    };
    let index = r.first + r.count;
    if index < CAPACITY {
        write_entry(index, entry_words(channel, timestamp, value));
        r.count += 1;
    } else {
        r.dropped += 1;
    }
}

#[no_mangle]
pub extern "C" fn __strobe_dma_record_stop(duration: i64) {
    // The trace table outlives the run: never left half-changed by a stop.
    let _critical = crate::watch::Critical::enter();
    crate::rtio::set_recording(false);
    let traces = traces();
    let Some(recording) = traces.recording.take() else {
        dma_error(format_args!("DMA is not recording"));
        return;
    };
    if recording.dropped > 0 {
        dma_error(format_args!(
            "DMA trace of {} events does not fit: the DMA memory holds {CAPACITY} events, {} free",
            recording.count + recording.dropped,
            CAPACITY - recording.first
        ));
        return;
    }
    let mut recording = recording;
    if let Some(old) = find(traces, recording.name.as_bytes()) {
        // The recording lies past the old trace: it moves down when the old one is cut out.
        traces.recording = Some(recording);
        remove(traces, old);
        let Some(moved) = traces.recording.take() else {
            return;
        };
        recording = moved;
    }
    let trace = Trace {
        name: recording.name,
        first: recording.first,
        count: recording.count,
        duration,
    };
    match traces.traces.iter().position(|t| t.is_none()) {
        Some(slot) => traces.traces[slot] = Some(trace),
        None => dma_error(format_args!(
            "too many DMA traces: the device keeps {MAX_TRACES}; erase one first"
        )),
    }
}

/// A kernel ended while recording (it cannot, unless it left a `record` block without its exit):
/// the recording is dropped.
pub fn abandon_recording() {
    if traces().recording.take().is_some() {
        crate::rtio::set_recording(false);
    }
}

#[no_mangle]
pub extern "C" fn __strobe_dma_erase(name: *const u8, name_len: u32) {
    // The trace table outlives the run: never left half-changed by a stop.
    let _critical = crate::watch::Critical::enter();
    let Some(name) = name_from(name, name_len) else {
        return;
    };
    let traces = traces();
    if let Some(slot) = find(traces, name.as_bytes()) {
        remove(traces, slot);
    }
}

#[no_mangle]
pub extern "C" fn __strobe_dma_retrieve(name: *const u8, name_len: u32) -> i32 {
    let Some(name) = name_from(name, name_len) else {
        return -1;
    };
    match find(traces(), name.as_bytes()) {
        Some(slot) => slot as i32,
        None => {
            let text = core::str::from_utf8(name.as_bytes()).unwrap_or("?");
            dma_error(format_args!("DMA trace not found: {text:?}"));
            -1
        }
    }
}

fn trace(handle: i32) -> Option<Trace> {
    traces()
        .traces
        .get(usize::try_from(handle).ok()?)
        .copied()
        .flatten()
}

#[no_mangle]
pub extern "C" fn __strobe_dma_duration(handle: i32) -> i64 {
    trace(handle).map_or(0, |t| t.duration)
}

crate::journal::journaled_entry!("__strobe_dma_playback" => "strobe_dma_playback");

extern "C" {
    pub fn __strobe_dma_playback(timestamp: i64, handle: i32);
}

/// Plays a trace from `timestamp` on. A replay plays it shifted like every output
/// (`journal::shift`); a recorded underflow is raised again without playing.
#[no_mangle]
extern "C" fn strobe_dma_playback(timestamp: i64, handle: i32) {
    let Some(trace) = trace(handle) else {
        dma_error(format_args!("invalid DMA handle {handle}"));
        return;
    };
    if traces().recording.is_some() {
        dma_error(format_args!("DMA playback while recording"));
        return;
    }
    let replay = journal::mode() == JournalMode::Replay;
    if replay {
        if let Some(late) = journal::replay_late(RecordKind::DmaUnderflow, timestamp) {
            let (offset, channel) = (late.extra >> 16, late.extra & 0xffff);
            return raise_dma_underflow(channel as u32, timestamp + offset);
        }
    }
    let base = if replay {
        timestamp + journal::shift()
    } else {
        timestamp
    };
    if trace.count > 0 {
        RTIO_DMA_BASE.write(base as u64);
        RTIO_DMA_FIRST.write(trace.first as u64);
        RTIO_DMA_COUNT.write(trace.count as u64);
        RTIO_DMA_START.write(1);
        while RTIO_DMA_STATUS.read() & status::BUSY as u64 != 0 {}
    }
    crate::rtio::collect_refusals();
    if RTIO_DMA_STATUS.read() & status::UNDERFLOW as u64 != 0 {
        let at = RTIO_DMA_ERROR_TIMESTAMP.read() as i64;
        let channel = RTIO_DMA_ERROR_CHANNEL.read();
        RTIO_DMA_ERROR_CLEAR.write(1);
        if replay {
            journal::diverge(Consumer::LateOutput, journal::site());
        }
        // Journaled by the playback's timestamp, which the replay knows before playing.
        let late = (at - timestamp) << 16 | (channel & 0xffff) as i64;
        journal::record(RecordKind::DmaUnderflow, timestamp, late);
        raise_dma_underflow(channel as u32, at);
    }
}

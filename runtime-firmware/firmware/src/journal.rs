//! The run journal on the device (`strobe_protocol::journal`): while a run is recorded, every value
//! its kernel takes from the outside world is appended to a buffer in main RAM
//! (`strobe_abi::JOURNAL_BUFFER_BYTES`) and sent to the host in `Journal` messages before each RPC,
//! at the run's end, and only when the buffer is full in between; while a run is
//! replayed, those values come back from the host and are handed to the kernel instead of what the
//! hardware would say. A replayed kernel that wants something other than the next record has
//! diverged: the host is told where and the kernel is stopped there.
//!
//! The kernel ABI's journaled calls enter through [`journaled_entry!`] trampolines that note the
//! kernel's return address (the record's `site`) and continue in the Rust implementation.

use crate::board;
use strobe_protocol::journal::{
    Consumer, JournalMode, Record, RecordKind, JOURNAL_CHUNK, MAX_RECORD_LEN,
};
use strobe_session::StopReason;

/// Defines ABI symbol `$symbol` as a trampoline that stores the kernel's return address in
/// `JOURNAL_SITE` and jumps to `$implementation` (same arguments, same result).
macro_rules! journaled_entry {
    ($symbol:literal => $implementation:literal) => {
        core::arch::global_asm!(
            ".section .text.hot,\"ax\",@progbits",
            concat!(".globl ", $symbol),
            concat!($symbol, ":"),
            "  la t0, JOURNAL_SITE",
            "  sw ra, 0(t0)",
            concat!("  j ", $implementation),
        );
    };
}
pub(crate) use journaled_entry;

/// The return address of the kernel's journaled call under way.
#[no_mangle]
static mut JOURNAL_SITE: u32 = 0;

/// What the run does with the journal: read by every journaled call, so kept apart from the
/// journal's buffer (with the firmware's other small, hot statics).
static mut MODE: JournalMode = JournalMode::Off;

struct Journal {
    /// Recording: the bytes of records not yet sent (in the main RAM buffer).
    recorded: usize,
    /// Replay: records received, `at` the next one.
    buffer: [u8; JOURNAL_CHUNK],
    len: usize,
    at: usize,
    /// Replay: the records of this run consumed so far.
    consumed: u32,
    /// Replay: what is added to the recorded timeline on the RTIO core.
    shift: i64,
}

static mut JOURNAL: Journal = Journal {
    recorded: 0,
    buffer: [0; JOURNAL_CHUNK],
    len: 0,
    at: 0,
    consumed: 0,
    shift: 0,
};

fn journal() -> &'static mut Journal {
    // SAFETY: single-threaded firmware; the kernel tick never touches the journal, and no
    // reference outlives the call that took it.
    unsafe { &mut *core::ptr::addr_of_mut!(JOURNAL) }
}

pub fn mode() -> JournalMode {
    // SAFETY: single-threaded; written between runs only.
    unsafe { MODE }
}

/// The shift of the recorded timeline on the RTIO core (replay).
pub fn shift() -> i64 {
    journal().shift
}

/// The return address of the kernel's journaled call under way.
pub fn site() -> u32 {
    // SAFETY: written by the trampolines only.
    unsafe { JOURNAL_SITE }
}

/// Before a run: journal it as `mode` says, from an empty buffer.
pub fn begin_run(mode: JournalMode) {
    // SAFETY: single-threaded; no kernel runs.
    unsafe { MODE = mode };
    let j = journal();
    j.recorded = 0;
    j.len = 0;
    j.at = 0;
    j.consumed = 0;
}

/// When recording: appends a record of `kind` at the current call's site.
pub fn record(kind: RecordKind, value: i64, extra: i64) {
    if mode() == JournalMode::Record {
        record_at(kind, site(), value, extra);
    }
}

fn record_at(kind: RecordKind, site: u32, value: i64, extra: i64) {
    let r = Record {
        kind,
        site,
        value,
        extra,
    };
    if board::journal_buffer().len() - journal().recorded < MAX_RECORD_LEN {
        flush();
    }
    let j = journal();
    if let Some(n) = r.write(&mut board::journal_buffer()[j.recorded..]) {
        j.recorded += n;
    }
}

/// Record bytes per `Journal` message a recording device sends: whole records, within a frame.
const SEND_CHUNK: usize = strobe_protocol::MAX_PAYLOAD as usize - 64;

/// Recording: sends the records not yet sent (before an RPC, and at the run's end: so the host
/// has them in the kernel's order).
pub fn flush() {
    let j = journal();
    if mode() != JournalMode::Record || j.recorded == 0 {
        return;
    }
    let _critical = crate::watch::Critical::enter();
    let mut rest = &board::journal_buffer()[..j.recorded];
    j.recorded = 0;
    let Some(host) = board::host() else {
        return;
    };
    while !rest.is_empty() {
        let mut n = 0;
        while let Ok((_, len)) = Record::read(&rest[n..]) {
            if n + len > SEND_CHUNK {
                break;
            }
            n += len;
        }
        // Only whole records are ever written; anything else ends the journal here.
        if n == 0 {
            return;
        }
        host.journal(&rest[..n]);
        rest = &rest[n..];
    }
}

/// When recording: the run's start (its timeline cursor, and the RTIO counter then).
pub fn record_start(now: i64, counter: i64) {
    if mode() == JournalMode::Record {
        record_at(RecordKind::TimelineStart, 0, now, counter);
    }
}

/// A replayed run: the recorded timeline goes `shift` later on the RTIO core, from RTIO counter
/// value `from` on.
pub fn set_shift(shift: i64, from: i64) {
    journal().shift = shift;
    let _critical = crate::watch::Critical::enter();
    if let Some(host) = board::host() {
        host.replay_shift(shift, from);
    }
}

/// Replay: the next record, fetched from the host when none is left; None at the journal's end
/// (before its next RPC or the run's end). Err when the host stops the run meanwhile.
fn peek() -> Result<Option<Record>, StopReason> {
    let j = journal();
    if j.at == j.len {
        j.at = 0;
        j.len = 0;
        let _critical = crate::watch::Critical::enter();
        let Some(host) = board::host() else {
            return Ok(None);
        };
        host.journal_need(&mut |records| {
            let n = records.len().min(JOURNAL_CHUNK);
            j.buffer[..n].copy_from_slice(&records[..n]);
            j.len = n;
        })?;
    }
    // The session checked every record of the message; a cut one reads as the journal's end.
    Ok(Record::read(&j.buffer[j.at..j.len]).ok().map(|(r, _)| r))
}

/// Replay: the record `peek` returned is used.
fn consume() {
    let j = journal();
    if let Ok((_, n)) = Record::read(&j.buffer[j.at..j.len]) {
        j.at += n;
        j.consumed += 1;
    }
}

/// Replay, at the run's start (no kernel code runs yet): the recorded start (the timeline cursor
/// and the RTIO counter then), or why the run stops (a divergence was reported).
pub fn replay_start() -> Result<Record, StopReason> {
    match peek()? {
        Some(r) if Consumer::Start.accepts(r.kind) => {
            consume();
            Ok(r)
        }
        _ => {
            report(Consumer::Start, 0);
            Err(StopReason::Divergence)
        }
    }
}

/// Replay, in a kernel's call: the record that answers `wanted`; anything else stops the kernel.
pub fn replay(wanted: Consumer) -> Record {
    let site = site();
    match peek() {
        Ok(Some(r)) if wanted.accepts(r.kind) && r.site == site => {
            consume();
            r
        }
        Ok(_) => diverge(wanted, site),
        Err(reason) => stop(site, reason),
    }
}

/// Replay, in an output call at `timestamp`: the recorded slack when the recording's next record
/// is this event found late (`kind`: `Underflow` or `DmaUnderflow`); None when it was in time.
pub fn replay_late(kind: RecordKind, timestamp: i64) -> Option<Record> {
    let site = site();
    match peek() {
        Ok(Some(r)) if r.kind == kind && r.site == site && r.value == timestamp => {
            consume();
            Some(r)
        }
        Ok(_) => None,
        Err(reason) => stop(site, reason),
    }
}

/// Replay, at an RPC: the journal's next record must be this call (the host checks its service
/// and arguments).
pub fn replay_rpc() {
    if mode() == JournalMode::Replay {
        replay(Consumer::Rpc);
    }
}

/// Replay, after the kernel returned: whether the journal has records left (a divergence, then
/// reported).
pub fn replay_end(entry: u32) -> Result<(), StopReason> {
    match peek()? {
        None => Ok(()),
        Some(_) => {
            report(Consumer::End, entry);
            Err(StopReason::Divergence)
        }
    }
}

fn report(wanted: Consumer, site: u32) {
    let consumed = journal().consumed;
    let _critical = crate::watch::Critical::enter();
    if let Some(host) = board::host() {
        host.diverged(consumed, wanted, site);
    }
}

/// Stops the replayed kernel at `site`: it did `wanted`, not what the journal says.
pub fn diverge(wanted: Consumer, site: u32) -> ! {
    report(wanted, site);
    stop(site, StopReason::Divergence)
}

fn stop(site: u32, reason: StopReason) -> ! {
    crate::trap::stop_from_firmware(site.wrapping_sub(4), reason)
}

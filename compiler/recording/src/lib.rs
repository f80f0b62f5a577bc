//! Record and replay of kernel runs (docs/recording.md).
//!
//! A recording holds what a run of an experiment's kernels consumed from the outside world, in the
//! order the kernels consumed it: the device's journal records (RTIO counter reads, input
//! timestamps and levels, late outputs, each run's starting timeline) and the host's answers to
//! RPCs, plus what is needed to run the same code again (each unit's key and place; the quoted data
//! itself) and what the run produced (output, outcome, the pins' trace) to compare a replay with.
//!
//! [`Recorder`] writes one as the runs go; [`Recording`] reads (and writes) a whole file;
//! [`RunReplay`] feeds a recorded run back to a device and reports the first divergence;
//! [`first_difference`] compares two recordings.

mod describe;
mod diff;
mod format;
mod recorder;
mod replay;
mod sites;
mod unit_store;

pub use diff::first_difference;
pub use format::{FormatError, FORMAT_VERSION, MAGIC};
pub use recorder::{CodeUnit, Recorder};
pub use replay::{compare_outcomes, compare_traces, Divergence, RunReplay};
pub use sites::SiteMap;
pub use unit_store::UnitStore;

use strobe_device::journal::Record;
use strobe_device::{Edge, Outcome, RpcAnswer, RpcCall, UnitKey};
use strobe_link::LineRow;

/// What was recorded, and on what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The `strobe` that recorded it.
    pub strobe_version: String,
    /// The experiment file (or standalone program) as given on the command line.
    pub experiment: String,
    /// The experiment's arguments (`name=value`).
    pub arguments: Vec<String>,
    /// The device's kernel ABI hash, kernel region base and clock: a replay needs a device that
    /// matches.
    pub abi_hash: [u8; 32],
    pub kernel_base: u32,
    pub clock_hz: u32,
}

/// A unit a run used: where it was, and for the quoted-data unit its bytes (code comes from the
/// device's store or the host's [`UnitStore`] by key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRef {
    pub name: String,
    pub key: UnitKey,
    /// From the kernel region's start.
    pub offset: u32,
    pub len: u32,
    pub data: Option<Vec<u8>>,
}

/// An RPC as the kernel made it and the answer the host gave (none for an async one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcRecord {
    pub call: RpcCall,
    pub answer: Option<RpcAnswer>,
}

/// One value a kernel consumed, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Device(Record),
    Rpc(RpcRecord),
}

/// What a kernel image's addresses are: source lines (for messages) and symbols (where a run's
/// call sites lie in the same code linked elsewhere).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageMap {
    pub lines: Vec<LineRow>,
    pub symbols: Vec<(u32, String)>,
}

/// One kernel run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecord {
    pub entry: u32,
    pub table: u32,
    pub fresh_timeline: bool,
    /// Index of its kernel image's map in [`Recording::images`].
    pub image: usize,
    pub units: Vec<UnitRef>,
    pub events: Vec<Event>,
    /// What the kernel printed.
    pub output: String,
    pub outcome: Outcome,
}

/// A whole recording file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recording {
    pub header: Header,
    /// The maps of the kernel images the runs used (each distinct one once).
    pub images: Vec<ImageMap>,
    pub runs: Vec<RunRecord>,
    /// The simulated device's pins over the whole recording (none for a hardware device).
    pub trace: Option<Vec<Edge>>,
}

impl Recording {
    /// Device records and RPCs over every run (the benchmark's and the summary's count).
    pub fn event_count(&self) -> usize {
        self.runs.iter().map(|r| r.events.len()).sum()
    }
}

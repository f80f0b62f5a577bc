//! The replaying device as the session's `Board`: its "kernel region" only ever holds a run's
//! quoted data (the kernel's code is linked into this program), and a run calls the kernel entry
//! with every outside value taken from the journal.

use crate::{journal, rtio, sys};
use strobe_abi::ExceptionId;
use strobe_kernel_rt::device::{uncaught, TracebackText};
use strobe_kernel_rt::{arena, exceptions, output, quoted, stack};
use strobe_protocol::journal::JournalMode;
use strobe_protocol::message::{DeviceInfo, RtioChannels};
use strobe_protocol::{Message, PROTOCOL_VERSION};
use strobe_session::{Board, CoreLog, ExceptionReport, KernelHost, RunOutcome, RunSetup};

/// Where a run's quoted data is put (through the session's function store, as on the device).
const REGION_BYTES: usize = 16 << 20;
static mut REGION: [u8; REGION_BYTES] = [0; REGION_BYTES];
/// The kernels' arena.
const ARENA_BYTES: usize = 16 << 20;
static mut ARENA: [u8; ARENA_BYTES] = [0; ARENA_BYTES];
/// What a kernel may use of qemu-user's stack (8 MiB by default).
const STACK_BYTES: usize = 4 << 20;

static mut CORE_LOG: CoreLog = CoreLog::new();
static mut HOST: Option<*mut dyn KernelHost> = None;

extern "C" {
    fn __strobe_kernel_entry();
}

/// The host link of the running kernel, if one runs.
pub fn host() -> Option<&'static mut dyn KernelHost> {
    // SAFETY: set only for the duration of `run` (single-threaded), and the pointee outlives it.
    unsafe { HOST.map(|h| &mut *h) }
}

/// A replay records nothing: no journal buffer.
pub fn journal_buffer() -> &'static mut [u8] {
    &mut []
}

/// Kernel output (print): to the host.
pub fn kernel_output(_fd: u32, data: &[u8]) {
    if let Some(host) = host() {
        strobe_session::log_bytes(host, data);
    }
}

/// Ends the run from inside the kernel (a divergence, or the host's stop): the kernel's output so
/// far, then `end`, then this program exits (a replay runs one kernel per program).
pub fn end_run(end: Message<'_>) -> ! {
    output::flush_stdout();
    let mut frame = [0u8; 64];
    if let Ok(n) = end.encode(0, &mut frame) {
        sys::write(1, &frame[..n]);
    }
    sys::exit(0)
}

pub struct ReplayBoard {
    traceback: TracebackText,
    stack_end: usize,
}

impl ReplayBoard {
    /// `stack_top`: the stack pointer at the program's start.
    pub fn new(stack_top: usize) -> Self {
        ReplayBoard {
            traceback: TracebackText::default(),
            stack_end: stack_top - STACK_BYTES,
        }
    }
}

impl Board for ReplayBoard {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            protocol_version: PROTOCOL_VERSION,
            abi_version: strobe_abi::ABI_VERSION,
            abi_hash: strobe_abi::abi_hash(),
            kernel_base: core::ptr::addr_of!(REGION) as u32,
            kernel_size: REGION_BYTES as u32,
            clock_hz: strobe_regmap::CONFIG_CLOCK_FREQUENCY as u32,
            isa: 1,
            rtio: RtioChannels {
                outputs: strobe_regmap::RTIO_OUTPUTS as u8,
                inputs: strobe_regmap::RTIO_INPUTS as u8,
                clock_generators: strobe_regmap::RTIO_CLOCK_GENERATORS as u8,
            },
        }
    }

    fn kernel_region(&mut self) -> &mut [u8] {
        // SAFETY: the region belongs to the session's store.
        unsafe { &mut *core::ptr::addr_of_mut!(REGION) }
    }

    fn core_log(&mut self) -> &mut CoreLog {
        // SAFETY: single-threaded.
        unsafe { &mut *core::ptr::addr_of_mut!(CORE_LOG) }
    }

    fn run<'b>(&'b mut self, run: RunSetup, host: &mut dyn KernelHost) -> RunOutcome<'b> {
        if run.journal != JournalMode::Replay {
            return RunOutcome::Exception(ExceptionReport {
                type_id: ExceptionId::RuntimeError as u32,
                name: "RuntimeError",
                message: "the qemu core device only replays recordings",
                traceback: "",
            });
        }
        // SAFETY: the arena and the table are this program's; the host pointer lives for the
        // duration of this call only.
        unsafe {
            arena::set_region(core::ptr::addr_of_mut!(ARENA) as *mut u8, ARENA_BYTES);
            quoted::set_table(run.table as usize as *const u8);
            HOST = Some(core::mem::transmute::<
                &mut dyn KernelHost,
                *mut dyn KernelHost,
            >(host));
        }
        exceptions::begin_run();
        journal::begin_run(run.journal);
        let started = journal::replay_start().map(|recorded| {
            // Nothing is late on a device without hardware: the recorded timeline as it is.
            journal::set_shift(0, 0);
            rtio::start(recorded.value);
            stack::set_end(self.stack_end);
            // SAFETY: the host linked the recorded kernel's objects into this program.
            unsafe { __strobe_kernel_entry() };
            journal::replay_end(run.entry)
        });
        output::flush_stdout();
        // SAFETY: as above.
        unsafe { HOST = None };
        if let Err(reason) | Ok(Err(reason)) = started {
            return RunOutcome::Stopped {
                pc: run.entry,
                reason,
            };
        }
        match uncaught(&mut self.traceback) {
            None => RunOutcome::Finished { cycles: 0 },
            Some((type_id, name, message, traceback)) => RunOutcome::Exception(ExceptionReport {
                type_id,
                name,
                message,
                traceback,
            }),
        }
    }
}

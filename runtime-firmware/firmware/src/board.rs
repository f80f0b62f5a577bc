//! The core device as the session's [`Board`]: main RAM holds the function store's units from its
//! start and the kernel arena past the last of them; kernel output streamed to the host as `Log`
//! messages.

use crate::journal;
use crate::trap::{self, KernelEnd};
use strobe_kernel_rt::device::{uncaught, TracebackText};
use strobe_kernel_rt::{arena, exceptions, output, quoted, stack};
use strobe_protocol::journal::JournalMode;
use strobe_protocol::message::{DeviceInfo, RtioChannels};
use strobe_protocol::PROTOCOL_VERSION;
use strobe_regmap::{CONFIG_CLOCK_FREQUENCY, MAIN_RAM};
use strobe_session::{
    Board, CoreLog, ExceptionReport, FaultReport, KernelHost, RunOutcome, RunSetup, StopReason,
};

/// Kernel images may use main RAM up to the journal's buffer, which lies below the kernel stack at
/// its top (the arena gets what they leave).
const KERNEL_REGION: usize = JOURNAL_BUFFER - MAIN_RAM.base;
/// The journal's buffer (`journal.rs`): main RAM below the kernel stack, above every unit and
/// the arena.
pub fn journal_buffer() -> &'static mut [u8] {
    // SAFETY: this region of main RAM belongs to the journal alone.
    unsafe {
        core::slice::from_raw_parts_mut(
            JOURNAL_BUFFER as *mut u8,
            strobe_abi::JOURNAL_BUFFER_BYTES as usize,
        )
    }
}

const JOURNAL_BUFFER: usize = MAIN_RAM.base + MAIN_RAM.size
    - (strobe_abi::KERNEL_STACK_BYTES + strobe_abi::JOURNAL_BUFFER_BYTES) as usize;
/// At the end of a run the device waits for its output events to be played, up to this far ahead
/// (134 ms).
const MAX_DRAIN_MU: i64 = 1 << 27;

/// Whether a kernel ran since the device booted: the first kernel's timeline starts a fixed slack
/// ahead of the RTIO counter; every later one starts where the previous one left `now_mu` (ARTIQ's
/// handover: a kernel that needs slack calls `core.reset()` or `core.break_realtime()`), unless its
/// run asks for a fresh timeline.
static mut TIMELINE_STARTED: bool = false;

/// The core log (RTIO sequence errors and collisions), read by the host with `LogQuery`.
static mut CORE_LOG: CoreLog = CoreLog::new();

/// The core log, for the firmware's RTIO paths and the session.
pub fn core_log() -> &'static mut CoreLog {
    // SAFETY: single-threaded firmware; no reference outlives a call that uses it.
    unsafe { &mut *core::ptr::addr_of_mut!(CORE_LOG) }
}

/// The host link while a kernel runs (none otherwise).
static mut HOST: Option<*mut dyn KernelHost> = None;

/// The host link of the running kernel, if one runs. Code the kernel tick may interrupt holds it
/// only inside a `watch::Critical` section (the tick itself uses it otherwise).
pub fn host() -> Option<&'static mut dyn KernelHost> {
    // SAFETY: set only for the duration of `run` (single-threaded), and the pointee outlives it.
    unsafe { HOST.map(|h| &mut *h) }
}

/// Kernel output (print) from the runtime: forwarded to the host.
pub fn kernel_output(fd: u32, data: &[u8]) {
    let _critical = crate::watch::Critical::enter();
    if fd == strobe_kernel_rt::output::CORE_LOG_FD {
        let text = core::str::from_utf8(data).unwrap_or("(a core_log line that is not UTF-8)");
        return core_log().line(format_args!("{text}"));
    }
    if let Some(host) = host() {
        strobe_session::log_bytes(host, data);
    }
}

pub struct CoreDevice {
    traceback: TracebackText,
    /// Computed once: hashing the ABI tables costs the soft CPU a good 100k cycles.
    info: DeviceInfo,
}

impl CoreDevice {
    pub fn new() -> Self {
        CoreDevice {
            traceback: TracebackText::default(),
            info: describe(),
        }
    }
}

/// Sets the timeline cursor a run starts with: where the previous kernel left it, a fixed slack
/// ahead of the RTIO counter (`start`) for a fresh timeline or the device's first run, or in a
/// replay the recorded one (and the shift of the recorded timeline on the RTIO core).
fn start_timeline(run: &RunSetup, start: i64) -> Result<(), StopReason> {
    let slack = strobe_abi::rtio::TIMELINE_START_SLACK_MU;
    // SAFETY: single-threaded; kernels are not running yet.
    unsafe {
        if run.journal == JournalMode::Replay {
            let recorded = journal::replay_start()?;
            // The run starts as far behind its timeline as the recorded one did, plus a fresh
            // timeline's slack for the host's answers, which take device time too. A later run
            // keeps the shift unless its start is later than that allows (the host took longer
            // between runs than when recording): the shift then grows, between runs only.
            let counter = crate::rtio::counter();
            let coarse = strobe_abi::rtio::MU_PER_COARSE_CYCLE;
            // (Earlier, too, when this device's counter is behind the recording's.)
            let needed = counter + slack - recorded.extra;
            let needed = (needed + coarse - 1).div_euclid(coarse) * coarse;
            let shift = match run.fresh_timeline {
                true => needed,
                false => journal::shift().max(needed),
            };
            journal::set_shift(shift, counter);
            crate::rtio::__strobe_now = recorded.value;
            TIMELINE_STARTED = true;
            return Ok(());
        }
        if run.fresh_timeline || !TIMELINE_STARTED {
            crate::rtio::__strobe_now = start + slack;
            TIMELINE_STARTED = true;
        }
        journal::record_start(crate::rtio::__strobe_now, start);
    }
    Ok(())
}

fn describe() -> DeviceInfo {
    DeviceInfo {
        protocol_version: PROTOCOL_VERSION,
        abi_version: strobe_abi::ABI_VERSION,
        abi_hash: strobe_abi::abi_hash(),
        kernel_base: MAIN_RAM.base as u32,
        kernel_size: KERNEL_REGION as u32,
        clock_hz: CONFIG_CLOCK_FREQUENCY as u32,
        isa: 1,
        rtio: RtioChannels {
            outputs: strobe_regmap::RTIO_OUTPUTS as u8,
            inputs: strobe_regmap::RTIO_INPUTS as u8,
            clock_generators: strobe_regmap::RTIO_CLOCK_GENERATORS as u8,
        },
    }
}

impl Board for CoreDevice {
    fn info(&self) -> DeviceInfo {
        self.info
    }

    fn core_log(&mut self) -> &mut CoreLog {
        core_log()
    }

    fn kernel_region(&mut self) -> &mut [u8] {
        // SAFETY: main RAM belongs to kernel images (and, during a run, the arena after the image).
        unsafe { core::slice::from_raw_parts_mut(MAIN_RAM.base as *mut u8, KERNEL_REGION) }
    }

    fn run<'b>(&'b mut self, run: RunSetup, host: &mut dyn KernelHost) -> RunOutcome<'b> {
        // SAFETY: main RAM past every resident unit is the arena; a new run starts it empty. The
        // store holds units only within main RAM, so the start is inside it. The table is one of
        // the run's resident units (the session checked).
        let arena_start = (run.arena_start as usize).div_ceil(16) * 16;
        unsafe {
            arena::set_region(
                (MAIN_RAM.base + arena_start) as *mut u8,
                KERNEL_REGION - arena_start,
            );
            quoted::set_table(run.table as usize as *const u8);
        };
        exceptions::begin_run();
        // SAFETY: erase the link's lifetime for the duration of this call only.
        unsafe {
            HOST = Some(core::mem::transmute::<
                &mut dyn KernelHost,
                *mut dyn KernelHost,
            >(host))
        };
        journal::begin_run(run.journal);
        let start = crate::rtio::counter();
        crate::rtio::open_fast_window();
        let end = match start_timeline(&run, start) {
            Ok(()) => {
                stack::set_end(JOURNAL_BUFFER + strobe_abi::JOURNAL_BUFFER_BYTES as usize);
                crate::watch::arm();
                let end = trap::run_kernel(run.entry, (MAIN_RAM.base + MAIN_RAM.size) as u32);
                let replayed = run.journal == JournalMode::Replay;
                match end {
                    KernelEnd::Returned if replayed => match journal::replay_end(run.entry) {
                        Ok(()) => KernelEnd::Returned,
                        Err(reason) => KernelEnd::Stopped(run.entry, reason),
                    },
                    end => end,
                }
            }
            Err(reason) => KernelEnd::Stopped(run.entry, reason),
        };
        // RTIO coarse clock cycles (the CPU's) the run took.
        let cycles = ((crate::rtio::counter() - start) >> strobe_abi::rtio::FINE_BITS) as u64;
        // Let the queued events play out, so the run's output edges all happened when it reports;
        // a long wait sends heartbeats, as the running kernel did (the watch has stopped).
        let mut waited = 0;
        while waited < MAX_DRAIN_MU && !crate::rtio::drain(crate::watch::HEARTBEAT_MU) {
            waited += crate::watch::HEARTBEAT_MU;
            host.heartbeat(cycles);
        }
        crate::dma::abandon_recording();
        crate::rtio::collect_refusals();
        core_log().flush();
        output::flush_stdout();
        journal::flush();
        journal::begin_run(JournalMode::Off);
        // SAFETY: as above.
        unsafe { HOST = None };
        match end {
            KernelEnd::Returned => {}
            KernelEnd::Trapped(t) => {
                return RunOutcome::Fault(FaultReport {
                    cause: t.cause,
                    pc: t.pc,
                    value: t.value,
                })
            }
            KernelEnd::Stopped(pc, reason) => return RunOutcome::Stopped { pc, reason },
        }
        match uncaught(&mut self.traceback) {
            None => RunOutcome::Finished { cycles },
            Some((type_id, name, message, traceback)) => RunOutcome::Exception(ExceptionReport {
                type_id,
                name,
                message,
                traceback,
            }),
        }
    }
}

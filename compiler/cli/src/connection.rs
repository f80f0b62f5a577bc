//! The device plumbing of standalone programs and experiments: the simulated device's build, the
//! device connection, the compile for it, fault reports.

pub use crate::resident::{Delivery, LoadedKernel};
use crate::resident::{LoadError, StoreMirror};
use anyhow::{bail, Context, Result};
use std::path::Path;
use strobe_device::{
    Device, DeviceBuild, DeviceError, FaultReport, Outcome, RpcAnswer, RpcCall, RunJournal,
    RunResult, SimBuild, SimDevice, Trace, Transport,
};
use strobe_driver::{CompileOutput, Compiler, Platform};
use strobe_link::LinkedImage;
use strobe_protocol::message::{DeviceInfo, UnitKey};
use strobe_protocol::{ErrorCode, StopReason};

pub fn write_output(path: &Path, text: &str) -> Result<()> {
    if path == Path::new("-") {
        print!("{text}");
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The simulated device's build (made once per gateware, in the user's cache): it gives the
/// firmware's kernel ABI addresses. `python` runs LiteX if it must be built.
pub fn sim_build(python: Option<&Path>) -> Result<SimBuild> {
    SimBuild::ensure(&crate::sim_cache_root(), python, &mut |step| {
        eprintln!("{step}")
    })
    .context("preparing the simulated core device")
}

/// The device this build of Strobe carries the firmware for (no simulator needed).
pub fn device_build() -> Result<DeviceBuild> {
    DeviceBuild::embedded().context("reading the embedded firmware")
}

/// A compiler for the device `build` describes.
pub fn device_compiler(build: &DeviceBuild, no_cache: bool) -> Compiler {
    let cache = if no_cache {
        None
    } else {
        strobe_cache::UnitCache::open(crate::unit_cache_dir()).ok()
    };
    let platform = Platform::for_device(
        build.clock_hz,
        build.kernel_base,
        &build.firmware.exports,
        build.rtio_fast_window,
    );
    Compiler::for_platform(cache, platform)
}

/// A connected core device: the simulator (started here) or the one at `address`.
pub struct Connection {
    pub sim: Option<SimDevice>,
    pub device: Device,
    pub info: DeviceInfo,
    /// What the device's function store holds.
    store: StoreMirror,
    /// This process's hold on an external device (none for its own simulator, or when taken over).
    _lock: Option<strobe_device::DeviceLock>,
    /// The simulator's pins so far (read by writing the trace and by a recording).
    trace: Trace,
    /// Where this connection's runs are recorded (`--record`).
    recorder: Option<strobe_recording::Recorder>,
}

impl Connection {
    /// Connects to the device at `address` (refused while another process uses it, unless
    /// `take_over`: the handshake then stops that process's kernel), else starts the simulator
    /// (built first if need be, LiteX running in `python`).
    pub fn open(
        address: Option<&str>,
        python: Option<&Path>,
        take_over: bool,
    ) -> Result<Connection> {
        let mut lock = None;
        let (sim, transport): (Option<SimDevice>, Box<dyn Transport>) = match address {
            Some(address) => {
                let address = address.parse().map_err(|e: String| anyhow::anyhow!(e))?;
                lock = strobe_device::lock_device(&address, &crate::paths::lock_dir(), take_over)?;
                (
                    None,
                    <dyn Transport>::open(&address)
                        .with_context(|| format!("cannot open {address}"))?,
                )
            }
            None => {
                let build = sim_build(python)?;
                let sim = SimDevice::start(&build).context("starting the simulator")?;
                let t = sim.connect()?;
                (Some(sim), Box::new(t))
            }
        };
        let device = Device::connect(transport).context("handshake with the core device")?;
        let info = device.info().context("no device info")?;
        if info.abi_hash != strobe_abi::abi_hash() {
            bail!("the device's firmware was built for a different kernel ABI than this compiler; update the firmware");
        }
        let mut device = device;
        let store = StoreMirror::read(&mut device, info.kernel_base, info.kernel_size)
            .context("reading the device's function store")?;
        Ok(Connection {
            sim,
            device,
            info,
            store,
            _lock: lock,
            trace: Trace::default(),
            recorder: None,
        })
    }

    /// Records every kernel run from now on into a new recording at `path` (see
    /// `strobe_recording`), for experiment (or program) `experiment` with `arguments`.
    pub fn start_recording(
        &mut self,
        path: &Path,
        experiment: &str,
        arguments: Vec<String>,
    ) -> Result<()> {
        let header = strobe_recording::Header {
            strobe_version: env!("CARGO_PKG_VERSION").to_string(),
            experiment: experiment.to_string(),
            arguments,
            abi_hash: self.info.abi_hash,
            kernel_base: self.info.kernel_base,
            clock_hz: self.info.clock_hz,
        };
        let units = strobe_recording::UnitStore::new(crate::paths::linked_unit_dir());
        let recorder = strobe_recording::Recorder::create(path, &header, units)
            .with_context(|| format!("cannot write the recording {}", path.display()))?;
        self.recorder = Some(recorder);
        Ok(())
    }

    /// Ends the recording (if one is made) with the pins' trace; says where it went.
    pub fn finish_recording(&mut self) -> Result<()> {
        let Some(recorder) = self.recorder.take() else {
            return Ok(());
        };
        let path = recorder.path().to_path_buf();
        let (events, bytes) = (recorder.events, recorder.device_bytes);
        let trace = self
            .sim
            .is_some()
            .then(|| self.settled_trace().edges.clone());
        recorder
            .finish(trace.as_deref())
            .with_context(|| format!("cannot write the recording {}", path.display()))?;
        eprintln!(
            "strobe: recorded {events} values the kernels consumed ({bytes} bytes of device records) in {}",
            path.display()
        );
        Ok(())
    }

    /// The simulator's pins so far, once its output has settled.
    pub fn settled_trace(&mut self) -> &Trace {
        if let Some(sim) = &self.sim {
            self.trace.edges.extend(sim.take_trace().edges);
        }
        &self.trace
    }

    /// The RTIO analyzer's records since the last dump, in ARTIQ's dump format: from the simulated
    /// device this connection started (another device's records do not reach this host).
    pub fn analyzer_dump(&mut self) -> Result<Vec<u8>> {
        match &self.sim {
            Some(sim) => Ok(sim.analyzer_dump()),
            None => anyhow::bail!(
                "the RTIO analyzer's records come from a simulated core device this process \
                 started; an external device sends none"
            ),
        }
    }

    /// Whether kernels compiled for `build` fit this device (else compile for what it reports).
    pub fn matches(&self, build: &DeviceBuild) -> bool {
        (self.info.clock_hz as u64, self.info.kernel_base) == (build.clock_hz, build.kernel_base)
    }

    /// A compiler for this device: the local build's when it describes this device, else one for
    /// what the device reported (without inline RTIO writes, whose registers only the build knows).
    pub fn compiler(&self, build: &DeviceBuild, no_cache: bool) -> Compiler {
        if self.matches(build) {
            return device_compiler(build, no_cache);
        }
        let platform = Platform::for_device(
            self.info.clock_hz as u64,
            self.info.kernel_base,
            &build.firmware.exports,
            None,
        );
        Compiler::for_platform(None, platform)
    }

    /// Puts a compiled kernel on the device: its link units, linked against what the device's
    /// function store holds, sending only the units (and data bytes) it lacks.
    pub fn load(&mut self, out: &CompileOutput) -> Result<LoadedKernel> {
        let kernel = match self.store.load(&mut self.device, out) {
            Ok(k) => k,
            // Another host (or a fault) changed the store since it was read: read it again.
            Err(LoadError::Device(DeviceError::Refused { .. })) => {
                self.store.refresh(&mut self.device)?;
                self.store.load(&mut self.device, out)?
            }
            Err(e) => return Err(e.into()),
        };
        if std::env::var_os("STROBE_LOG_LOADS").is_some() {
            let d = &kernel.delivery;
            eprintln!(
                "strobe: kernel loaded: {} units sent ({} bytes), {} resident, {} evicted",
                d.units_sent, d.bytes, d.units_resident, d.evicted
            );
        }
        Ok(kernel)
    }

    /// Puts a precompiled image (`strobe compile`) on the device as one unit at its address.
    pub fn load_image(&mut self, image: LinkedImage) -> Result<LoadedKernel> {
        if self.recorder.is_some() {
            bail!("a precompiled image cannot be recorded: record the experiment itself");
        }
        Ok(self.store.load_image(&mut self.device, image)?)
    }

    /// Runs a precompiled kernel ([`Connection::load_image`]): no host objects serve its RPCs, so
    /// each raises in the kernel (the writeback and result services need no answer).
    pub fn run_loaded(
        &mut self,
        kernel: &LoadedKernel,
        on_output: impl FnMut(&str),
        interrupted: impl FnMut() -> bool,
    ) -> Result<RunResult> {
        let result = self.device.run_with_rpc(
            &kernel.run,
            on_output,
            strobe_device::no_host_functions,
            interrupted,
        )?;
        if let Outcome::Fault(_) = result.outcome {
            self.store.forget_all();
        }
        Ok(result)
    }

    /// Runs a loaded kernel, serving its RPCs; a kernel whose units the store lost (another host
    /// evicted them) is loaded again first. A fault empties the device's store.
    pub fn run(
        &mut self,
        out: &CompileOutput,
        kernel: &mut LoadedKernel,
        mut on_output: impl FnMut(&str),
        mut on_rpc: impl FnMut(&RpcCall) -> RpcAnswer,
        mut interrupted: impl FnMut() -> bool,
    ) -> Result<RunResult> {
        let mut result = self.run_once(out, kernel, &mut on_output, &mut on_rpc, &mut interrupted);
        if let Err(DeviceError::Refused {
            code: ErrorCode::NoKernel,
            ..
        }) = result
        {
            self.store.refresh(&mut self.device)?;
            *kernel = self.load(out)?;
            result = self.run_once(out, kernel, on_output, on_rpc, interrupted);
        }
        let result = result?;
        if let Some(recorder) = self.recorder.as_mut() {
            recorder
                .end_run(&result.output, &result.outcome)
                .context("cannot write the recording")?;
        }
        if let Outcome::Fault(_) = result.outcome {
            self.store.forget_all();
        }
        Ok(result)
    }

    /// One run of a loaded kernel, recorded when this connection records.
    fn run_once(
        &mut self,
        out: &CompileOutput,
        kernel: &LoadedKernel,
        on_output: impl FnMut(&str),
        on_rpc: impl FnMut(&RpcCall) -> RpcAnswer,
        interrupted: impl FnMut() -> bool,
    ) -> Result<RunResult, DeviceError> {
        let Some(recorder) = self.recorder.as_mut() else {
            return self
                .device
                .run_with_rpc(&kernel.run, on_output, on_rpc, interrupted);
        };
        let units = kernel
            .units
            .iter()
            .map(|u| strobe_recording::UnitRef {
                name: u.name.clone(),
                key: u.key,
                offset: u.offset,
                len: u.bytes.len() as u32,
                data: (u.name == crate::resident::DATA_UNIT).then(|| u.bytes.clone()),
            })
            .collect();
        let run = strobe_recording::RunRecord {
            entry: kernel.run.entry,
            table: kernel.run.table,
            fresh_timeline: kernel.run.fresh_timeline,
            image: 0,
            units,
            events: Vec::new(),
            output: String::new(),
            outcome: Outcome::Finished { cycles: 0 },
        };
        // Code units by key: their linked bytes and the object they came from (the support unit
        // has none: it comes from the runtime archive).
        let code: Vec<_> = kernel
            .units
            .iter()
            .filter(|u| u.name != crate::resident::DATA_UNIT)
            .map(|u| strobe_recording::CodeUnit {
                key: u.key,
                linked: &u.bytes,
                object: out
                    .objects
                    .iter()
                    .find(|o| o.name == u.name)
                    .map(|o| o.bytes.as_slice()),
            })
            .collect();
        let image = || strobe_recording::ImageMap {
            lines: kernel.image.lines.clone(),
            symbols: kernel
                .image
                .symbols
                .iter()
                .map(|(name, address)| (*address, name.clone()))
                .collect(),
        };
        recorder.begin_run(&run, image, &code)?;
        let journal: &mut dyn RunJournal = recorder;
        self.device
            .run_journaled(&kernel.run, Some(journal), on_output, on_rpc, interrupted)
    }

    /// Pins (or unpins) a kernel's first `count` units on the device (its code: the data unit comes
    /// last): they are never evicted while pinned.
    pub fn pin(&mut self, kernel: &LoadedKernel, count: usize, pinned: bool) -> Result<()> {
        let units = &kernel.run.units[..count.min(kernel.run.units.len())];
        Ok(self.store.pin(&mut self.device, units, pinned)?)
    }

    /// Puts units at the places a recording says (key, offset from the kernel region's start,
    /// bytes: None when the recording found it resident and so must the device now), sending
    /// the ones the store lacks whole.
    pub fn put_recorded(&mut self, units: &[(UnitKey, u32, &[u8])]) -> Result<()> {
        let missing: Vec<_> = units
            .iter()
            .filter(|(key, offset, _)| !self.holds(key, *offset))
            .collect();
        for (key, offset, bytes) in &missing {
            self.device
                .put_unit(*key, *offset, bytes, None)
                .context("sending the recorded units")?;
        }
        if !missing.is_empty() {
            self.store.refresh(&mut self.device)?;
        }
        Ok(())
    }

    /// Whether the device's store holds unit `key` at `offset` (as this host knows it).
    pub fn holds(&self, key: &UnitKey, offset: u32) -> bool {
        self.store
            .resident()
            .iter()
            .any(|r| r.key == *key && r.offset == offset)
    }

    /// The units the device's store holds (as this host knows them).
    pub fn resident(&self) -> &[strobe_link::store::Resident] {
        self.store.resident()
    }

    /// Writes the simulator's pin-level trace as text and/or VCD.
    pub fn write_traces(&mut self, trace: Option<&Path>, vcd: Option<&Path>) -> Result<()> {
        if self.sim.is_some() {
            let t = self.settled_trace();
            if let Some(path) = trace {
                write_output(path, &t.text())?;
            }
            if let Some(path) = vcd {
                write_output(path, &t.vcd())?;
            }
        } else if trace.is_some() || vcd.is_some() {
            eprintln!(
                "note: the pin-level trace comes from the simulator; an external device has none"
            );
        }
        Ok(())
    }
}

/// `kernel fault: illegal instruction at pc 0x... (file.py:7), mtval 0x0`.
pub fn describe_fault(image: &LinkedImage, fault: &FaultReport) -> String {
    let FaultReport { cause, pc, value } = *fault;
    let at = match image.source_line(pc) {
        // The line tables name the experiment's own files and lines.
        Some(row) => format!("{}:{}", row.file, row.line),
        None => "outside the kernel".to_string(),
    };
    format!(
        "kernel fault: {} at pc {pc:#010x} ({at}), mtval {value:#x}",
        trap_name(cause)
    )
}

/// `kernel stopped at file.py:7 (pc 0x...)`, and by what.
pub fn describe_stop(image: &LinkedImage, pc: u32, reason: StopReason) -> String {
    let at = match image.source_line(pc) {
        Some(row) => format!("{}:{}", row.file, row.line),
        None => "outside the kernel's code".to_string(),
    };
    let by = match reason {
        StopReason::Request => "on this host's request",
        StopReason::Handshake => "by another client taking the device",
        StopReason::Divergence => "where its replay diverged from the recording",
    };
    format!("kernel stopped at {at} (pc {pc:#010x}), {by}")
}

fn trap_name(cause: u32) -> String {
    match cause {
        0 => "misaligned instruction fetch".into(),
        1 => "instruction access fault".into(),
        2 => "illegal instruction".into(),
        3 => "breakpoint".into(),
        4 => "misaligned load".into(),
        5 => "load access fault".into(),
        6 => "misaligned store".into(),
        7 => "store access fault".into(),
        other => format!("trap {other}"),
    }
}

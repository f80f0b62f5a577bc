//! The simulated core device: building it once (SoC generation, Verilator, firmware) and running it
//! with a TCP link and a captured pin-level trace.

use crate::analyzer::{Analyzer, Record};
use crate::firmware::FirmwareImage;
use crate::trace::{Edge, Trace};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{step}: {message}")]
    Build { step: &'static str, message: String },
    #[error("simulator: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Firmware(#[from] crate::firmware::FirmwareError),
    #[error("the simulator did not accept a connection on port {0}")]
    NoConnection(u16),
}

/// The core device this build of Strobe carries: its firmware and what kernels are compiled for
/// (clock, RTIO registers, kernel base), all derived from the committed register map. No simulator
/// needs to exist to compile for it.
pub struct DeviceBuild {
    pub firmware: FirmwareImage,
    pub clock_hz: u64,
    /// The address of the RTIO core's fast event window.
    pub rtio_fast_window: Option<u32>,
    /// Where kernel images are loaded (the start of main RAM).
    pub kernel_base: u32,
    /// How much later a loopback input sees its output's edges (machine units).
    pub loopback_delay_mu: u64,
}

impl DeviceBuild {
    pub fn embedded() -> Result<DeviceBuild, SimError> {
        Ok(DeviceBuild {
            firmware: FirmwareImage::from_elf(FIRMWARE_ELF, strobe_regmap::ROM.size as u32)?,
            clock_hz: strobe_regmap::CONFIG_CLOCK_FREQUENCY,
            rtio_fast_window: Some(strobe_regmap::RTIO_FAST.base as u32),
            kernel_base: strobe_regmap::MAIN_RAM.base as u32,
            loopback_delay_mu: strobe_regmap::RTIO_LOOPBACK_DELAY_MU,
        })
    }
}

/// A built simulator (the Verilator binary, its modules) with the device it simulates.
pub struct SimBuild {
    /// `<dir>/gateware`: obj_dir/Vsim, modules/, the memory init files.
    pub gateware: PathBuf,
    pub device: DeviceBuild,
}

/// The gateware sources the simulator is built from, by path under `gateware-bindings/` (embedded at
/// build time, so an installed `strobe` needs no checkout).
pub static GATEWARE_SOURCES: &[(&str, &[u8])] =
    include!(concat!(env!("OUT_DIR"), "/gateware_sources.rs"));

/// The firmware ELF, built with this crate against the committed register map.
pub static FIRMWARE_ELF: &[u8] = include_bytes!(env!("STROBE_FIRMWARE_ELF"));

/// The replaying core device for qemu-riscv32 (`strobe-replay-rt`), an rv32im static library.
pub static REPLAY_RT_ARCHIVE: &[u8] = include_bytes!(env!("STROBE_REPLAY_RT"));

/// The register map the firmware was built against (`gateware-bindings/csr.json`).
const COMMITTED_CSR_JSON: &str = "csr.json";

fn run(step: &'static str, cmd: &mut Command) -> Result<(), SimError> {
    let out = cmd.output().map_err(|e| SimError::Build {
        step,
        message: format!("cannot run {:?}: {e}", cmd.get_program()),
    })?;
    if out.status.success() {
        return Ok(());
    }
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let tail: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = tail[tail.len().saturating_sub(15)..].join("\n");
    Err(SimError::Build {
        step,
        message: tail,
    })
}

/// FNV-1a over the gateware sources' paths and bytes: the simulator's cache key.
pub fn gateware_hash() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, bytes) in GATEWARE_SOURCES {
        for b in path.bytes().chain([0]).chain(bytes.iter().copied()) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Whether to build and run a simulator that prints every instruction fetch and data access of
/// the CPU with its cycle (`STROBE_SIM_DEBUG_FETCH`, read by the gateware's `soc.py`): for finding
/// where a kernel's cycles go. Its lines go to the file `STROBE_SIM_DEBUG_LOG` names.
fn debug_bus_trace() -> bool {
    std::env::var_os("STROBE_SIM_DEBUG_FETCH").is_some_and(|v| !v.is_empty())
}

/// The Python that runs LiteX for the simulator's build: `$STROBE_GATEWARE_PYTHON`, else `preferred`
/// (the interpreter `strobe` runs in), else `python3`; it must import LiteX and Migen.
fn gateware_python(preferred: Option<&Path>) -> Result<PathBuf, SimError> {
    let python = std::env::var_os("STROBE_GATEWARE_PYTHON")
        .map(PathBuf::from)
        .or_else(|| preferred.map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = Command::new(&python)
        .args(["-c", "import litex, migen, pythondata_cpu_vexriscv"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Ok(python);
    }
    Err(SimError::Build {
        step: "building the simulated core device",
        message: format!(
            "{} cannot import LiteX: install the simulator's extra (`pip install 'strobe[sim]'`) \
             or point STROBE_GATEWARE_PYTHON at a Python that has it",
            python.display()
        ),
    })
}

impl SimBuild {
    /// The simulator for the embedded gateware under `cache_root/sim-<gateware hash>`, built there
    /// when missing (LiteX runs in `python`, see [`gateware_python`]); `progress` hears each step.
    pub fn ensure(
        cache_root: &Path,
        python: Option<&Path>,
        progress: &mut dyn FnMut(&str),
    ) -> Result<SimBuild, SimError> {
        let hash = gateware_hash();
        // A simulator that traces the CPU's bus is another build, kept apart.
        let variant = if debug_bus_trace() { "-bus-trace" } else { "" };
        let dir = cache_root.join(format!("sim-{hash}{variant}"));
        if !dir.join("gateware/obj_dir/Vsim").exists() {
            // Built aside and renamed into place, so a concurrent `strobe` never sees half a build.
            let staging = cache_root.join(format!("sim-{hash}.building-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&staging);
            let built = build_into(&staging, python, progress);
            if built.is_ok() && std::fs::rename(&staging, &dir).is_err() && !dir.exists() {
                return Err(SimError::Io(std::io::Error::other(format!(
                    "cannot move the simulator into {}",
                    dir.display()
                ))));
            }
            let _ = std::fs::remove_dir_all(&staging);
            built?;
        }
        let gateware = dir.join("gateware");
        Ok(SimBuild {
            gateware,
            device: DeviceBuild::embedded()?,
        })
    }
}

/// Generates the SoC into `dir` and verilates it.
fn build_into(
    dir: &Path,
    python: Option<&Path>,
    progress: &mut dyn FnMut(&str),
) -> Result<(), SimError> {
    let python = gateware_python(python)?;
    let sources = dir.join("src");
    for (path, bytes) in GATEWARE_SOURCES {
        let file = sources.join(path);
        std::fs::create_dir_all(file.parent().expect("a file has a folder"))?;
        std::fs::write(file, bytes)?;
    }
    let t = Instant::now();
    progress("[1/2] generating the SoC (LiteX, VexRiscv, RTIO)...");
    run(
        "generating the SoC",
        Command::new(python)
            .args(["-m", "strobe_gateware.soc", "--build-dir"])
            .arg(dir)
            .env("PYTHONPATH", &sources)
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    )?;
    check_register_map(&dir.join("csr.json"))?;
    progress(&format!("      done in {:.1} s", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    progress("[2/2] building the Verilator simulation (about 30 s, once)...");
    run(
        "building the simulation",
        Command::new("bash")
            .arg("build_sim.sh")
            .current_dir(dir.join("gateware")),
    )?;
    progress(&format!("      done in {:.1} s", t.elapsed().as_secs_f64()));
    Ok(())
}

/// The firmware was built against the committed register map; a generated SoC whose map differs
/// would run it against the wrong addresses.
fn check_register_map(generated: &Path) -> Result<(), SimError> {
    let committed = GATEWARE_SOURCES
        .iter()
        .find(|(path, _)| *path == COMMITTED_CSR_JSON)
        .map(|(_, bytes)| *bytes)
        .unwrap_or_default();
    if std::fs::read(generated)? == committed {
        return Ok(());
    }
    Err(SimError::Build {
        step: "checking the register map",
        message: format!(
            "the generated SoC's {} differs from gateware-bindings/csr.json, which the firmware \
             was built against: copy it there and rebuild",
            generated.display()
        ),
    })
}

/// A running simulator.
pub struct SimDevice {
    child: Child,
    pub port: u16,
    edges: Arc<Mutex<Vec<Edge>>>,
    analyzer: Arc<Mutex<Analyzer>>,
    /// Lines of simulator output read so far (to tell when it has settled).
    lines: Arc<std::sync::atomic::AtomicU64>,
    _run_dir: PathBuf,
}

impl SimDevice {
    /// Starts the simulator in a fresh directory (so several can run at once); its UART bridge picks a
    /// free port and reports it.
    pub fn start(build: &SimBuild) -> Result<SimDevice, SimError> {
        static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let run_dir = std::env::temp_dir().join(format!("strobe-sim-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&run_dir)?;
        for f in ["sim_sram.init", "sim_main_ram.init", "sim_mem.init"] {
            let src = build.gateware.join(f);
            if src.exists() {
                std::fs::copy(&src, run_dir.join(f))?;
            }
        }
        std::fs::write(
            run_dir.join("sim_rom.init"),
            build.device.firmware.rom_init(),
        )?;
        let config = std::fs::read_to_string(build.gateware.join("sim_config.js"))?;
        let config = match config.find("\"port\":") {
            Some(i) => {
                let end = i + config[i..].find(['\n', '}']).unwrap_or(0);
                format!("{}\"port\": 0{}", &config[..i], &config[end..])
            }
            None => config,
        };
        std::fs::write(run_dir.join("sim_config.js"), config)?;
        let modules = run_dir.join("modules");
        if !modules.exists() {
            std::os::unix::fs::symlink(build.gateware.join("modules"), &modules)?;
        }
        // Ignore SIGPIPE (inherited through exec) and line-buffer stdout so the trace arrives as it
        // happens.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("trap '' PIPE; exec stdbuf -oL \"$0\"")
            .arg(build.gateware.join("obj_dir/Vsim"))
            .current_dir(&run_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(match std::env::var_os("STROBE_SIM_STDERR") {
                Some(path) => Stdio::from(std::fs::File::create(path)?),
                None => Stdio::null(),
            })
            .spawn()?;
        let edges = Arc::new(Mutex::new(Vec::new()));
        let analyzer = Arc::new(Mutex::new(Analyzer::default()));
        let lines = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let stdout = child.stdout.take().expect("piped");
        let (sink, records, count) = (edges.clone(), analyzer.clone(), lines.clone());
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        // Every line the simulator prints (a bus trace among them), when asked for.
        let mut debug_log = match std::env::var_os("STROBE_SIM_DEBUG_LOG") {
            Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
            None => None,
        };
        std::thread::spawn(move || {
            use std::io::Write as _;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Some(log) = debug_log.as_mut() {
                    let _ = writeln!(log, "{line}");
                }
                if let Some(e) = Edge::parse(&line) {
                    sink.lock().expect("trace lock").push(e);
                } else if let Some(r) = Record::parse(&line) {
                    records.lock().expect("analyzer lock").push(r);
                } else if let Some(port) = line.strip_prefix("[strobe_uart] listening on port ") {
                    let _ = port_tx.send(port.trim().parse::<u16>().unwrap_or(0));
                }
            }
            if let Some(mut log) = debug_log {
                let _ = log.flush();
            }
        });
        let port = match port_rx.recv_timeout(Duration::from_secs(20)) {
            Ok(p) if p != 0 => p,
            _ => {
                let _ = child.kill();
                return Err(SimError::NoConnection(0));
            }
        };
        Ok(SimDevice {
            child,
            port,
            edges,
            analyzer,
            lines,
            _run_dir: run_dir,
        })
    }

    /// Connects to the simulator's UART, waiting for it to listen.
    pub fn connect(&self) -> Result<crate::TcpTransport, SimError> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match crate::TcpTransport::connect("127.0.0.1", self.port) {
                Ok(t) => return Ok(t),
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(_) => return Err(SimError::NoConnection(self.port)),
            }
        }
    }

    /// Waits (up to a second) until no more simulator output arrives.
    fn settle(&self) {
        let mut seen = u64::MAX;
        for _ in 0..40 {
            let now = self.lines.load(std::sync::atomic::Ordering::Relaxed);
            if now == seen {
                break;
            }
            seen = now;
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The RTIO analyzer's records since the last dump, in ARTIQ's dump format (see
    /// [`Analyzer::dump`]), once the simulator's output has settled.
    pub fn analyzer_dump(&self) -> Vec<u8> {
        self.settle();
        self.analyzer.lock().expect("analyzer lock").dump()
    }

    /// The edges logged so far (and forgets them), once the simulator's output has settled.
    pub fn take_trace(&self) -> Trace {
        self.settle();
        let mut edges = std::mem::take(&mut *self.edges.lock().expect("trace lock"));
        edges.sort();
        Trace { edges }
    }
}

impl Drop for SimDevice {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._run_dir);
    }
}

//! The simulated core device: building it once (SoC generation, Verilator, firmware) and running it
//! with a TCP link and a captured pin-level trace.

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

/// A built simulator: the Verilator binary, its modules, and the firmware.
pub struct SimBuild {
    /// `<dir>/gateware`: obj_dir/Vsim, modules/, the memory init files.
    pub gateware: PathBuf,
    pub firmware: FirmwareImage,
    pub clock_hz: u64,
    /// Addresses of the RTIO core's `o_event` and `o_status` registers (from csr.json).
    pub rtio_registers: Option<(u32, u32)>,
    /// Where kernel images are loaded (the start of main RAM).
    pub kernel_base: u32,
}

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

/// FNV-1a of the gateware sources: rebuild the simulator when they change.
fn gateware_stamp(repo: &Path) -> Result<String, SimError> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut files = Vec::new();
    for (dir, ext) in [
        ("gateware-bindings/strobe_gateware", "py"),
        ("gateware-bindings/sim_modules/strobe_uart", "c"),
    ] {
        let entries = std::fs::read_dir(repo.join(dir))?.filter_map(|e| e.ok().map(|e| e.path()));
        files.extend(entries.filter(|p| p.extension().is_some_and(|e| e == ext)));
    }
    files.sort();
    for f in files {
        for b in std::fs::read(&f)? {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Ok(format!("{h:016x}"))
}

impl SimBuild {
    /// Builds what is missing or stale under `dir`; `progress` hears each step and its duration.
    pub fn ensure(
        repo: &Path,
        dir: &Path,
        progress: &mut dyn FnMut(&str),
    ) -> Result<SimBuild, SimError> {
        let gateware = dir.join("gateware");
        let stamp_file = dir.join("stamp");
        let stamp = gateware_stamp(repo)?;
        let fresh = gateware.join("obj_dir/Vsim").exists()
            && std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str());
        if !fresh {
            let t = Instant::now();
            progress("[1/3] generating the SoC (LiteX, VexRiscv, RTIO)...");
            // The virtual environment `cargo xtask setup` makes, else the system's Python.
            let venv = repo.join("target/strobe-venv/bin/python3");
            let python = if venv.exists() {
                venv
            } else {
                PathBuf::from("python3")
            };
            run(
                "generating the SoC",
                Command::new(python)
                    .args(["-m", "strobe_gateware.soc", "--build-dir"])
                    .arg(dir)
                    .env("PYTHONPATH", repo.join("gateware-bindings")),
            )?;
            progress(&format!("      done in {:.1} s", t.elapsed().as_secs_f64()));
            let t = Instant::now();
            progress("[2/3] building the Verilator simulation (about 30 s, once)...");
            run(
                "building the simulation",
                Command::new("bash")
                    .arg("build_sim.sh")
                    .current_dir(&gateware),
            )?;
            std::fs::write(&stamp_file, &stamp)?;
            progress(&format!("      done in {:.1} s", t.elapsed().as_secs_f64()));
        }
        // Cargo rebuilds the firmware only when it changed; announce it when it is sure to take a while.
        let elf_path =
            repo.join("runtime-firmware/target/riscv32im-unknown-none-elf/release/strobe-firmware");
        let announce = !fresh || !elf_path.exists();
        let t = Instant::now();
        if announce {
            progress("[3/3] building the firmware...");
        }
        let csr_json = dir.join("csr.json");
        run(
            "building the firmware",
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args([
                    "build",
                    "--release",
                    "--quiet",
                    "--target",
                    "riscv32im-unknown-none-elf",
                    "-p",
                    "strobe-firmware",
                ])
                .arg("--manifest-path")
                .arg(repo.join("runtime-firmware/Cargo.toml"))
                .env("STROBE_CSR_JSON", &csr_json)
                .env_remove("CARGO_TARGET_DIR")
                .env_remove("RUSTFLAGS"),
        )?;
        if announce {
            progress(&format!("      done in {:.1} s", t.elapsed().as_secs_f64()));
        }
        let elf = std::fs::read(&elf_path)?;
        let csr: String = std::fs::read_to_string(&csr_json)?;
        let rom_size = json_number(&csr, "\"rom\"", "\"size\"").unwrap_or(0x10000) as u32;
        let clock_hz = json_number(&csr, "\"config_clock_frequency\"", "").unwrap_or(125_000_000);
        let rtio_registers = json_number(&csr, "\"rtio_o_event\"", "\"addr\"")
            .zip(json_number(&csr, "\"rtio_o_status\"", "\"addr\""))
            .map(|(e, s)| (e as u32, s as u32));
        let kernel_base =
            json_number(&csr, "\"main_ram\"", "\"base\"").unwrap_or(0x4000_0000) as u32;
        Ok(SimBuild {
            gateware,
            firmware: FirmwareImage::from_elf(&elf, rom_size)?,
            clock_hz,
            rtio_registers,
            kernel_base,
        })
    }
}

/// A number after `key` (and then `field`, if given) in csr.json's text.
fn json_number(text: &str, key: &str, field: &str) -> Option<u64> {
    let mut rest = &text[text.find(key)? + key.len()..];
    if !field.is_empty() {
        rest = &rest[rest.find(field)? + field.len()..];
    }
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let digits: String = rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// A running simulator.
pub struct SimDevice {
    child: Child,
    pub port: u16,
    edges: Arc<Mutex<Vec<Edge>>>,
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
        std::fs::write(run_dir.join("sim_rom.init"), build.firmware.rom_init())?;
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
        let stdout = child.stdout.take().expect("piped");
        let sink = edges.clone();
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(e) = Edge::parse(&line) {
                    sink.lock().expect("trace lock").push(e);
                } else if let Some(port) = line.strip_prefix("[strobe_uart] listening on port ") {
                    let _ = port_tx.send(port.trim().parse::<u16>().unwrap_or(0));
                }
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

    /// The edges logged so far (and forgets them), once the simulator's output has settled.
    pub fn take_trace(&self) -> Trace {
        let mut seen = usize::MAX;
        for _ in 0..40 {
            let now = self.edges.lock().expect("trace lock").len();
            if now == seen {
                break;
            }
            seen = now;
            std::thread::sleep(Duration::from_millis(25));
        }
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

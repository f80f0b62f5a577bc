//! `strobe run`: compile for the core device, upload, run, report, write the trace.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use strobe_device::{Device, FaultReport, Outcome, SimBuild, SimDevice, Transport};
use strobe_driver::{CompileError, Compiler, Platform};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write_output(path: &Path, text: &str) -> Result<()> {
    if path == Path::new("-") {
        print!("{text}");
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(
    no_cache: bool,
    file: &Path,
    device: Option<&str>,
    trace: Option<&Path>,
    vcd: Option<&Path>,
) -> Result<ExitCode> {
    let source = crate::read_source(file)?;
    let repo = repo_root();
    // The firmware build gives the kernel ABI's addresses (and the simulator, if we start one).
    let build = SimBuild::ensure(&repo, &repo.join("target/strobe-sim"), &mut |step| {
        eprintln!("{step}")
    })
    .context("preparing the simulated core device")?;
    // Compile first, for the device this build describes, so program errors come before any device work.
    let cache = if no_cache {
        None
    } else {
        strobe_cache::UnitCache::open(crate::cache_dir()).ok()
    };
    let platform = Platform::for_device(
        build.clock_hz,
        build.kernel_base,
        &build.firmware.exports,
        build.rtio_registers,
    );
    let mut compiler = Compiler::for_platform(cache, platform);
    let mut out = match compiler.compile(&source) {
        Ok(o) => o,
        Err(e @ CompileError::Source(..)) => {
            eprint!("{}", e.render());
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let (sim, transport): (Option<SimDevice>, Box<dyn Transport>) = match device {
        Some(address) => {
            let address = address.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            (
                None,
                <dyn Transport>::open(&address)
                    .with_context(|| format!("cannot open {address}"))?,
            )
        }
        None => {
            let sim = SimDevice::start(&build).context("starting the simulator")?;
            let t = sim.connect()?;
            (Some(sim), Box::new(t))
        }
    };
    let mut device = Device::connect(transport).context("handshake with the core device")?;
    let info = device.info().context("no device info")?;
    if info.abi_hash != strobe_abi::abi_hash() {
        bail!("the device's firmware was built for a different kernel ABI than this compiler; update the firmware");
    }
    if (info.clock_hz as u64, info.kernel_base) != (build.clock_hz, build.kernel_base) {
        // A different device than the local build describes: compile for the one we talk to.
        let platform = Platform::for_device(
            info.clock_hz as u64,
            info.kernel_base,
            &build.firmware.exports,
            None,
        );
        out = Compiler::for_platform(None, platform)
            .compile(&source)
            .map_err(|e| anyhow::anyhow!(e.render()))?;
    }
    let (base, image) = out.image.flat();
    anyhow::ensure!(
        base == info.kernel_base,
        "kernel linked at {base:#x}, device loads at {:#x}",
        info.kernel_base
    );
    anyhow::ensure!(
        image.len() <= info.kernel_size as usize,
        "kernel image of {} bytes does not fit the device's {} bytes",
        image.len(),
        info.kernel_size
    );
    device.upload(&image).context("uploading the kernel")?;
    let entry = *out
        .image
        .symbols
        .get(strobe_abi::KERNEL_ENTRY)
        .context("the image has no kernel entry")?;
    let result = device
        .run(entry, |text| {
            print!("{text}");
            let _ = std::io::stdout().flush();
        })
        .context("running the kernel")?;
    let code = match &result.outcome {
        Outcome::Finished { .. } => ExitCode::SUCCESS,
        Outcome::Exception {
            name,
            message,
            traceback,
            ..
        } => {
            eprint!("Traceback (most recent call last):\n{traceback}{name}");
            if message.is_empty() {
                eprintln!()
            } else {
                eprintln!(": {message}")
            }
            ExitCode::from(1)
        }
        Outcome::Fault(FaultReport { cause, pc, value }) => {
            let at = match out.image.source_line(*pc) {
                Some(row) => {
                    let (file, line) = out.source.origin(row.line);
                    format!("{file}:{line}")
                }
                None => "outside the kernel".to_string(),
            };
            eprintln!(
                "kernel fault: {} at pc {pc:#010x} ({at}), mtval {value:#x}",
                trap_name(*cause)
            );
            ExitCode::from(1)
        }
    };
    if let Some(sim) = &sim {
        let t = sim.take_trace();
        if let Some(path) = trace {
            write_output(path, &t.text())?;
        }
        if let Some(path) = vcd {
            write_output(path, &t.vcd(info.clock_hz as u64))?;
        }
    } else if trace.is_some() || vcd.is_some() {
        eprintln!(
            "note: the pin-level trace comes from the simulator; an external device has none"
        );
    }
    Ok(code)
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

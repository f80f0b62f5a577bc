//! Standalone kernel programs (a module whose `main()` is the kernel): `strobe run` on the core
//! device, `strobe exec` under qemu-riscv32.

use crate::connection::{describe_fault, describe_stop, device_build, device_compiler, Connection};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use strobe_device::Outcome;
use strobe_driver::{CompileError, CompileOutput};

pub fn run(
    no_cache: bool,
    python: Option<&Path>,
    file: &Path,
    (device, take_over): (Option<&str>, bool),
    (trace, vcd): (Option<&Path>, Option<&Path>),
    record: Option<&Path>,
    interrupted: &dyn Fn() -> bool,
) -> Result<u8> {
    let source = crate::read_source(file)?;
    let build = device_build()?;
    // Compile first, for the device this build describes, so program errors come before any device work.
    let mut compiler = device_compiler(&build, no_cache);
    let mut out = match compiler.compile(&source) {
        Ok(o) => o,
        Err(e @ CompileError::Source(..)) => {
            eprint!("{}", e.render());
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    };
    let mut link = Connection::open(device, python, take_over)?;
    if !link.matches(&build) {
        out = link
            .compiler(&build, true)
            .compile(&source)
            .map_err(|e| anyhow::anyhow!(e.render()))?;
    }
    if let Some(path) = record {
        link.start_recording(path, &file.display().to_string(), Vec::new())?;
    }
    let mut kernel = link.load(&out)?;
    // A standalone program is one run: its timeline starts with the fixed slack.
    kernel.run.fresh_timeline = true;
    let result = link
        .run(
            &out,
            &mut kernel,
            |text| {
                print!("{text}");
                let _ = std::io::stdout().flush();
            },
            strobe_device::no_host_functions,
            interrupted,
        )
        .context("running the kernel")?;
    let code = report_outcome(&kernel.image, &result.outcome);
    link.write_traces(trace, vcd)?;
    link.finish_recording()?;
    Ok(code)
}

/// Reports how a kernel run on the device ended (its exception as CPython prints one, a fault or a
/// stop with the source line); the exit code: 0, 1, or 130 for a stop (as a program ended by
/// SIGINT).
pub(crate) fn report_outcome(image: &strobe_link::LinkedImage, outcome: &Outcome) -> u8 {
    match outcome {
        Outcome::Finished { .. } => 0,
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
            1
        }
        Outcome::Fault(fault) => {
            eprintln!("{}", describe_fault(image, fault));
            1
        }
        Outcome::Stopped { pc, reason } => {
            eprintln!("{}", describe_stop(image, *pc, *reason));
            130
        }
    }
}

/// Runs a program compiled for Linux user mode under qemu-riscv32; its exit code is the program's.
/// Ctrl-C reaches qemu too (the terminal's process group): the program writes its output so far
/// and ends with 130; `interrupted` then takes the signal, which this process already handled.
pub fn exec(out: &CompileOutput, interrupted: &dyn Fn() -> bool) -> Result<u8> {
    let dir = tempdir()?;
    let elf = dir.join("kernel.elf");
    crate::write_executable(&elf, &out.image.to_elf())?;
    let status = std::process::Command::new("qemu-riscv32")
        .arg(&elf)
        .status()
        .context("cannot run qemu-riscv32 (install Debian's qemu-user: `cargo xtask setup`)")?;
    let _ = std::fs::remove_dir_all(&dir);
    interrupted();
    match status.code() {
        Some(c) => Ok(c as u8),
        None => bail!("the kernel was killed by a signal ({status})"),
    }
}

fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "strobe-exec-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

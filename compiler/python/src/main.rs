//! The `strobe` command line. Experiments (Python files with an `EnvExperiment`) run in the
//! embedded Python interpreter (`native`); standalone kernel programs (a top-level `main()`) are
//! compiled directly.

mod native;
mod run;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use strobe_driver::{CompileError, Compiler};
use strobe_syntax::SourceFile;

#[derive(Parser)]
#[command(name = "strobe", version, about = "Compile and run Strobe kernels")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Do not read or write the on-disk cache of compiled link units.
    #[arg(long, global = true)]
    no_cache: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a standalone kernel program and run its `main()` under qemu-riscv32.
    Exec { file: PathBuf },
    /// Run an experiment (or a standalone kernel program's `main()`) with its kernels on the core
    /// device (default: the simulated one); `--trace`/`--vcd` write the pin-level RTIO trace.
    Run {
        file: PathBuf,
        /// An experiment argument, `name=value` (a Python literal, else a string); repeatable.
        #[arg(short = 'p', long = "param")]
        params: Vec<String>,
        /// The experiment class to run, when the file has several.
        #[arg(long = "class")]
        class_name: Option<String>,
        /// An already running device: tcp:HOST:PORT or serial:PATH[@BAUD].
        #[arg(long)]
        device: Option<String>,
        /// Write the trace, one `<timestamp_mu> <channel> <value>` line per edge (`-` for stdout).
        #[arg(long)]
        trace: Option<PathBuf>,
        /// Write the trace as VCD.
        #[arg(long)]
        vcd: Option<PathBuf>,
    },
    /// Compile a standalone kernel program to a linked ELF image; for an experiment, its `run`
    /// kernel for the core device (as `artiq_compile` does).
    Compile {
        file: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// An experiment argument, `name=value`; repeatable.
        #[arg(short = 'p', long = "param")]
        params: Vec<String>,
        /// The experiment class, when the file has several.
        #[arg(long = "class")]
        class_name: Option<String>,
        /// Also write the symbol map here.
        #[arg(long)]
        map: Option<PathBuf>,
        /// Also write each link unit's unoptimized LLVM IR here.
        #[arg(long)]
        emit_llvm: Option<PathBuf>,
    },
}

pub(crate) fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("STROBE_CACHE_DIR") {
        return d.into();
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("strobe")
}

/// An experiment file (run by the Python runtime: it defines a class deriving from an experiment
/// class) rather than a standalone kernel program (whose `main()` is the kernel).
fn is_experiment(path: &Path) -> Result<bool> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.lines().any(|l| {
        l.starts_with("class ")
            && l.split_once('(')
                .is_some_and(|(_, bases)| bases.contains("Experiment"))
    }))
}

pub(crate) fn read_source(path: &Path) -> Result<SourceFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Compiles `path`; source errors are printed and turn into exit code 1.
fn compile(cli: &Cli, path: &Path) -> Result<Result<strobe_driver::CompileOutput, ExitCode>> {
    let cache = if cli.no_cache {
        None
    } else {
        strobe_cache::UnitCache::open(cache_dir()).ok()
    };
    let mut compiler = Compiler::new(cache);
    let file = read_source(path)?;
    match compiler.compile(&file) {
        Ok(out) => Ok(Ok(out)),
        Err(e @ CompileError::Source(..)) => {
            eprint!("{}", e.render());
            Ok(Err(ExitCode::from(1)))
        }
        Err(e) => Err(e.into()),
    }
}

fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Compile {
            file,
            output,
            params,
            class_name,
            ..
        } if is_experiment(file)? => {
            let (file, output) = (file.display().to_string(), output.display().to_string());
            let (params, class_name, no_cache) = (params.clone(), class_name.clone(), cli.no_cache);
            Ok(ExitCode::from(native::call_runner("compile_experiment", move |py| {
                pyo3::types::PyTuple::new(
                    py,
                    [
                        pyo3::IntoPyObjectExt::into_bound_py_any(file, py)?,
                        pyo3::IntoPyObjectExt::into_bound_py_any(output, py)?,
                        pyo3::IntoPyObjectExt::into_bound_py_any(params, py)?,
                        pyo3::IntoPyObjectExt::into_bound_py_any(class_name, py)?,
                        pyo3::IntoPyObjectExt::into_bound_py_any(no_cache, py)?,
                    ],
                )
            })))
        }
        Command::Run {
            file,
            params,
            class_name,
            device,
            trace,
            vcd,
        } if is_experiment(file)? => {
            let file = file.display().to_string();
            let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
            let (trace, vcd) = (path(trace), path(vcd));
            let (params, class_name, device, no_cache) =
                (params.clone(), class_name.clone(), device.clone(), cli.no_cache);
            Ok(ExitCode::from(native::call_runner("run_experiment", move |py| {
                use pyo3::IntoPyObjectExt;
                pyo3::types::PyTuple::new(
                    py,
                    [
                        file.into_bound_py_any(py)?,
                        params.into_bound_py_any(py)?,
                        class_name.into_bound_py_any(py)?,
                        device.into_bound_py_any(py)?,
                        trace.into_bound_py_any(py)?,
                        vcd.into_bound_py_any(py)?,
                        no_cache.into_bound_py_any(py)?,
                    ],
                )
            })))
        }
        Command::Compile {
            file,
            output,
            map,
            emit_llvm,
            ..
        } => {
            let out = match compile(cli, file)? {
                Ok(o) => o,
                Err(code) => return Ok(code),
            };
            write_executable(output, &out.image.to_elf())?;
            if let Some(path) = emit_llvm {
                let ir = Compiler::new(None)
                    .llvm_ir(&read_source(file)?)
                    .map_err(|e| anyhow::anyhow!(e.render()))?;
                std::fs::write(path, ir)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            if let Some(m) = map {
                std::fs::write(m, out.image.symbol_map())
                    .with_context(|| format!("cannot write {}", m.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            file,
            device,
            trace,
            vcd,
            ..
        } => crate::run::run(
            cli.no_cache,
            file,
            device.as_deref(),
            trace.as_deref(),
            vcd.as_deref(),
        ),
        Command::Exec { file } => {
            let out = match compile(cli, file)? {
                Ok(o) => o,
                Err(code) => return Ok(code),
            };
            let dir = tempdir()?;
            let elf = dir.join("kernel.elf");
            write_executable(&elf, &out.image.to_elf())?;
            let status = std::process::Command::new("qemu-riscv32")
                .arg(&elf)
                .status()
                .context(
                    "cannot run qemu-riscv32 (install Debian's qemu-user: `cargo xtask setup`)",
                )?;
            let _ = std::fs::remove_dir_all(&dir);
            match status.code() {
                Some(c) => Ok(ExitCode::from(c as u8)),
                None => bail!("the kernel was killed by a signal ({status})"),
            }
        }
    }
}

/// Writes an ELF image with execute permission (qemu-user refuses to load it otherwise).
pub(crate) fn write_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

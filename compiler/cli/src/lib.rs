//! The `strobe` command line, as a library: [`main`] parses the arguments and runs the command.
//! Standalone kernel programs (a top-level `main()`) are compiled and run here; experiments (Python
//! files with an experiment class) go to an [`Experiments`] host, which the Python extension module
//! (`strobe._native`) provides from the interpreter it runs in.

pub mod connection;
pub mod paths;
pub mod precompiled;
pub mod replay;
pub mod resident;
mod standalone;

pub use paths::{sim_cache_root, unit_cache_dir};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
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
    /// Run an experiment (or a standalone kernel program's `main()`, or a kernel `strobe compile`
    /// wrote, as `artiq_run file.elf`) with its kernels on the core device (default: the simulated
    /// one); `--trace`/`--vcd` write the pin-level RTIO trace.
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
        /// Use the device even while another strobe process does: its kernel is stopped.
        #[arg(long, requires = "device")]
        take_over: bool,
        /// Write the trace, one `<timestamp_mu> <channel> <value>` line per edge (`-` for stdout).
        #[arg(long)]
        trace: Option<PathBuf>,
        /// Write the trace as VCD.
        #[arg(long)]
        vcd: Option<PathBuf>,
        /// Record every value the kernels consume from the outside world (RPC answers, inputs,
        /// counter reads, late outputs) into this file, for `strobe replay`.
        #[arg(long)]
        record: Option<PathBuf>,
        /// Write the experiment's datasets to this HDF5 file (else they are printed).
        #[arg(short = 'o', long)]
        hdf5: Option<PathBuf>,
        /// The dataset database: persistent datasets are read from and saved to it.
        #[arg(long, default_value = "dataset_db.pyon")]
        dataset_db: PathBuf,
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
    /// Replay a recording (`strobe run --record`): the recorded kernels run again with every value
    /// they consumed fed back (no host function runs, no input is read); their output, outcomes
    /// and pins must equal the recording's, else the first divergence is shown. With `--diff`,
    /// where two recordings first differ.
    Replay {
        /// The recording (two with `--diff`).
        #[arg(required = true, num_args = 1..=2)]
        files: Vec<PathBuf>,
        /// `sim` (default: a fresh simulated device), `qemu`, or an already running device
        /// (tcp:HOST:PORT or serial:PATH[@BAUD]).
        #[arg(long)]
        device: Option<String>,
        /// Write the replay's trace (shifted back to the recorded timeline; `-` for stdout).
        #[arg(long)]
        trace: Option<PathBuf>,
        /// Compare two recordings instead of replaying one.
        #[arg(long)]
        diff: bool,
    },
    /// Serve a simulated core device until interrupted: prints its address (`tcp:127.0.0.1:PORT`),
    /// for `--device`, a device database's `host`, or several processes in turn (one at a time).
    Sim,
    /// Print the core device's log (RTIO sequence errors and collisions), as `artiq_coremgmt log`.
    Log {
        /// The device (`tcp:HOST:PORT`, `serial:PATH[@BAUD]`); without it, a fresh simulated one.
        #[arg(long)]
        device: Option<String>,
        /// Use the device even while another strobe process does: its kernel is stopped.
        #[arg(long, requires = "device")]
        take_over: bool,
        /// Empty the log after printing it.
        #[arg(long)]
        clear: bool,
    },
}

/// What `strobe run` / `strobe compile` need for an experiment file.
pub struct ExperimentRequest {
    pub file: String,
    pub params: Vec<String>,
    pub class_name: Option<String>,
    pub no_cache: bool,
}

/// Where `strobe run experiment.py` sends what it produces.
pub struct RunOutputs {
    pub device: Option<String>,
    /// Use the device even while another process does (`--take-over`).
    pub take_over: bool,
    pub trace: Option<String>,
    pub vcd: Option<String>,
    pub hdf5: Option<String>,
    pub dataset_db: String,
    /// Record the kernels' runs into this file (`--record`).
    pub record: Option<String>,
}

/// Runs experiments: the Python side of `strobe` (its runner), which the command line cannot be.
pub trait Experiments {
    /// `strobe run experiment.py`; returns the exit code (errors already reported).
    fn run(&self, request: ExperimentRequest, outputs: RunOutputs) -> u8;
    /// `strobe compile experiment.py -o output`.
    fn compile(&self, request: ExperimentRequest, output: String) -> u8;
    /// Whether the user interrupted the command (Ctrl-C), asked while a kernel runs: the kernel
    /// is then stopped.
    fn interrupted(&self) -> bool;
}

/// An experiment file (run by the Python runtime: it defines a class deriving from an experiment
/// class) rather than a standalone kernel program (whose `main()` is the kernel).
fn is_experiment(path: &Path) -> Result<bool> {
    if precompiled::is_elf(path) {
        return Ok(false);
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.lines().any(|l| {
        l.starts_with("class ")
            && l.split_once('(')
                .is_some_and(|(_, bases)| bases.contains("Experiment"))
    }))
}

pub fn read_source(path: &Path) -> Result<SourceFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Compiles `path`; source errors are printed and turn into exit code 1.
fn compile(cli: &Cli, path: &Path) -> Result<Result<strobe_driver::CompileOutput, u8>> {
    let cache = if cli.no_cache {
        None
    } else {
        strobe_cache::UnitCache::open(unit_cache_dir()).ok()
    };
    let mut compiler = Compiler::new(cache);
    let file = read_source(path)?;
    match compiler.compile(&file) {
        Ok(out) => Ok(Ok(out)),
        Err(e @ CompileError::Source(..)) => {
            eprint!("{}", e.render());
            Ok(Err(1))
        }
        Err(e) => Err(e.into()),
    }
}

fn run(cli: &Cli, python: Option<&Path>, experiments: &dyn Experiments) -> Result<u8> {
    let request = |file: &Path, params: &[String], class_name: &Option<String>| ExperimentRequest {
        file: file.display().to_string(),
        params: params.to_vec(),
        class_name: class_name.clone(),
        no_cache: cli.no_cache,
    };
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    if let Command::Run {
        device: Some(device),
        trace,
        vcd,
        ..
    } = &cli.command
    {
        if trace.is_some() || vcd.is_some() {
            anyhow::bail!(
                "--trace and --vcd record the simulator's pins: they do not apply to the device at {device}"
            );
        }
    }
    match &cli.command {
        Command::Compile {
            file,
            map,
            emit_llvm,
            ..
        } if (map.is_some() || emit_llvm.is_some()) && is_experiment(file)? => anyhow::bail!(
            "--map and --emit-llvm apply to standalone kernel programs, not to experiments ({})",
            file.display()
        ),
        Command::Compile {
            file,
            output,
            params,
            class_name,
            ..
        } if is_experiment(file)? => Ok(experiments.compile(
            request(file, params, class_name),
            output.display().to_string(),
        )),
        Command::Run {
            file,
            params,
            class_name,
            device,
            take_over,
            trace,
            vcd,
            record,
            hdf5,
            dataset_db,
        } if is_experiment(file)? => Ok(experiments.run(
            request(file, params, class_name),
            RunOutputs {
                device: device.clone(),
                take_over: *take_over,
                trace: path(trace),
                vcd: path(vcd),
                hdf5: path(hdf5),
                dataset_db: dataset_db.display().to_string(),
                record: path(record),
            },
        )),
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
            Ok(0)
        }
        Command::Run {
            file,
            params,
            class_name,
            device,
            take_over,
            trace,
            vcd,
            hdf5,
            record,
            ..
        } => {
            // What only experiments have is an error for a standalone program, not ignored.
            let experiment_only = [
                (!params.is_empty(), "-p"),
                (class_name.is_some(), "--class"),
                (hdf5.is_some(), "--hdf5"),
            ];
            if let Some((_, option)) = experiment_only.iter().find(|(given, _)| *given) {
                anyhow::bail!(
                    "{option} applies to experiments; {} is a standalone program (a module with main())",
                    file.display()
                );
            }
            if precompiled::is_elf(file) {
                if trace.is_some() || vcd.is_some() || record.is_some() {
                    anyhow::bail!(
                        "--trace, --vcd and --record apply to experiments and programs, not to \
                         the precompiled image {}",
                        file.display()
                    );
                }
                return precompiled::run(file, python, (device.as_deref(), *take_over), &|| {
                    experiments.interrupted()
                });
            }
            standalone::run(
                cli.no_cache,
                python,
                file,
                (device.as_deref(), *take_over),
                (trace.as_deref(), vcd.as_deref()),
                record.as_deref(),
                &|| experiments.interrupted(),
            )
        }
        Command::Replay {
            files,
            device,
            trace,
            diff,
        } => replay::command(files, *diff, device.as_deref(), trace.as_deref(), python),
        Command::Log {
            device,
            take_over,
            clear,
        } => {
            let mut link = connection::Connection::open(device.as_deref(), python, *take_over)?;
            print!(
                "{}",
                link.device.core_log().context("reading the core log")?
            );
            if *clear {
                link.device
                    .clear_core_log()
                    .context("clearing the core log")?;
            }
            Ok(0)
        }
        Command::Sim => {
            let build = connection::sim_build(python)?;
            let sim = strobe_device::SimDevice::start(&build).context("starting the simulator")?;
            println!("tcp:127.0.0.1:{}", sim.port);
            std::io::Write::flush(&mut std::io::stdout())?;
            while !experiments.interrupted() {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Ok(0)
        }
        Command::Exec { file } => match compile(cli, file)? {
            Ok(out) => standalone::exec(&out, &|| experiments.interrupted()),
            Err(code) => Ok(code),
        },
    }
}

/// Writes an ELF image with execute permission (qemu-user refuses to load it otherwise).
pub fn write_executable(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

/// The command line `args` (the program name first). `python` is the interpreter `strobe` runs in
/// (LiteX builds the simulator there when it is missing).
pub fn main(
    args: impl IntoIterator<Item = String>,
    python: Option<&Path>,
    experiments: &dyn Experiments,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(&cli, python, experiments) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    }
}

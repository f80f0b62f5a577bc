//! Project tasks: `cargo xtask <task>`. Deliberately light (no LLVM): `setup` must build before the
//! toolchain it installs exists.

mod bench;
mod ci;
mod install;
mod setup;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::Command;

#[derive(Parser)]
#[command(name = "xtask", about = "Strobe project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what building and testing need: Debian packages (LLVM 19, lld, qemu-user) and the
    /// rv32 Rust target.
    Setup,
    /// Setup, then build the `strobe` wheel and install it (with LiteX) into target/strobe-venv.
    Install,
    /// Everything CI checks: install, then all tests (host workspace and runtime crates).
    Ci,
    /// Benchmarks that print figures.
    Bench {
        #[arg(value_enum)]
        what: bench::Benchmark,
    },
    /// A long run of the fuzz tests (`tests/fuzz.rs`; CI runs them with 2,000 mutated and 200
    /// generated programs): mutated programs through the front end, each one it accepts through
    /// LLVM and the linker too; generated programs compiled and linked, and a sample run under
    /// qemu-riscv32 and CPython with the same output expected. Stops at the first crash, internal
    /// error, refusal of a generated program, hang or difference, printing the program.
    Fuzz {
        /// How many mutated programs.
        #[arg(long, default_value_t = 50_000)]
        cases: u64,
        /// How many generated programs.
        #[arg(long, default_value_t = 50_000)]
        generated: u64,
        /// Run every n-th generated program under qemu and CPython.
        #[arg(long, default_value_t = 5)]
        execute_every: u64,
        /// The random seed (the same seed gives the same programs).
        #[arg(long, default_value_t = 0x5eed)]
        seed: u64,
    },
}

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs a command in the repository root, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: {:?}", cmd);
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run {:?}: {e}", cmd.get_program()))?;
    anyhow::ensure!(
        status.success(),
        "{:?} failed ({status})",
        cmd.get_program()
    );
    Ok(())
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn main() -> Result<()> {
    match Cli::parse().task {
        Task::Setup => setup::setup(),
        Task::Install => install::install(),
        Task::Ci => ci::ci(),
        Task::Bench { what } => bench::bench(what),
        Task::Fuzz {
            cases,
            generated,
            execute_every,
            seed,
        } => run(cargo()
            .args(["test", "--release", "-p", "strobe-driver", "--test", "fuzz"])
            .args(["--", "--nocapture", "--test-threads", "1"])
            .env("STROBE_FUZZ_CASES", cases.to_string())
            .env("STROBE_FUZZ_GENERATED", generated.to_string())
            .env("STROBE_FUZZ_EXECUTE_EVERY", execute_every.to_string())
            .env("STROBE_FUZZ_SEED", seed.to_string())
            .env("STROBE_FUZZ_BACKEND_EVERY", "1")),
    }
}

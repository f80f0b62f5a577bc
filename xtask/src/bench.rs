//! `cargo xtask bench <what>`: benchmarks print figures; nothing here asserts on time.

use crate::setup::VENV;
use crate::{cargo, install, root, run};
use anyhow::Result;
use std::process::Command;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Benchmark {
    /// Per-phase compile times: the examples, a 20-kernel helper module, 200 generated functions;
    /// cold and unchanged (cached) recompiles; then whole-process `strobe compile` of the
    /// `examples/` experiments and a 20-kernel one, with a cold and a warm disk cache.
    Compile,
    /// On the simulated core device: CPU cycles per TTL pulse iteration, upload and start latency,
    /// simulation speed.
    Rtio,
    /// Experiments on the simulated core device: RPC round trips (host wall, device cycles), async
    /// RPCs, and the dead time between back-to-back kernel calls.
    Rpc,
    /// Host data as quoted data: compile time and bytes sent for kernels reading host lists of 1k
    /// to 100k int64 (first call and new values), and the examples' image sizes.
    Resident,
    /// Large RPC values on the simulated core device: a list of int32 of 1 and 16 MiB from the host
    /// and back (device cycles per byte, the rate at 125 MHz, the simulator's wall time).
    Payload,
    /// Record and replay on the simulated core device: recording's cost in CPU cycles per logged
    /// event, log bytes per event, a replay's wall time against the recorded run's.
    Replay,
}

/// `cargo run --release --quiet -p <package> --bin <bin> -- <args>`.
fn run_bin(package: &str, bin: &str, args: &[&str]) -> Result<()> {
    run(cargo()
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            package,
            "--bin",
            bin,
            "--",
        ])
        .args(args))
}

pub fn bench(what: Benchmark) -> Result<()> {
    let venv = root().join(VENV);
    match what {
        // In-process phases, then the installed command's whole-process figures.
        Benchmark::Compile => {
            install::install()?;
            std::env::set_var("STROBE_BENCH_CLI", venv.join("bin/strobe"));
            run_bin("strobe-driver", "strobe-bench", &["compile"])
        }
        Benchmark::Rtio | Benchmark::Replay => run(cargo()
            .args(["run", "--release", "--quiet", "-p", "strobe-cli"])
            .args([
                "--bin",
                match what {
                    Benchmark::Rtio => "strobe-bench-rtio",
                    _ => "strobe-bench-replay",
                },
            ])
            .env("STROBE_GATEWARE_PYTHON", venv.join("bin/python3"))),
        // The installed command, without the disk cache, so the first kernel call's compile is a
        // cold one.
        Benchmark::Rpc | Benchmark::Payload => {
            install::install()?;
            let script = match what {
                Benchmark::Rpc => "xtask/bench/rpc.py",
                _ => "xtask/bench/payload.py",
            };
            run(Command::new(venv.join("bin/strobe")).args(["--no-cache", "run", script]))
        }
        // A plain script: kernels run in-process; a private cache so first compiles are cold.
        Benchmark::Resident => {
            install::install()?;
            let cache = std::env::temp_dir().join(format!("strobe-bench-{}", std::process::id()));
            let result = run(Command::new(venv.join("bin/python3"))
                .arg("xtask/bench/resident.py")
                .env("STROBE_CACHE_DIR", &cache));
            let _ = std::fs::remove_dir_all(&cache);
            result
        }
    }
}

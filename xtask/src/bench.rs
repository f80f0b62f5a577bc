//! `cargo xtask bench <what>`: benchmarks print figures; nothing here asserts on time.

use crate::{cargo, run};
use anyhow::Result;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Benchmark {
    /// Per-phase compile times: the examples, a 20-kernel helper module, 200 generated functions;
    /// cold and unchanged (cached) recompiles.
    Compile,
    /// On the simulated core device: CPU cycles per TTL pulse iteration, upload and start latency,
    /// simulation speed.
    Rtio,
    /// Experiments on the simulated core device: RPC round trips (host wall, device cycles), async
    /// RPCs, and the dead time between back-to-back kernel calls.
    Rpc,
}

/// `cargo run --release --quiet -p <package> --bin <bin> -- <args>`.
fn run_bin(package: &str, bin: &str, args: &[&str]) -> Result<()> {
    run(cargo()
        .args(["run", "--release", "--quiet", "-p", package, "--bin", bin, "--"])
        .args(args))
}

pub fn bench(what: Benchmark) -> Result<()> {
    match what {
        Benchmark::Compile => run_bin("strobe-driver", "strobe-bench", &["compile"]),
        Benchmark::Rtio => run_bin("strobe", "strobe-bench-rtio", &[]),
        // Without the disk cache, so the first kernel call's compile is a cold one.
        Benchmark::Rpc => run_bin("strobe", "strobe", &["--no-cache", "run", "xtask/bench/rpc.py"]),
    }
}

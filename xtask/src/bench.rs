//! `cargo xtask bench <what>`: benchmarks print figures; nothing here asserts on time.

use crate::{cargo, run};
use anyhow::Result;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Benchmark {
    /// Per-phase compile times: the examples, a 20-kernel helper module, 200 generated functions;
    /// cold and unchanged (cached) recompiles.
    Compile,
}

pub fn bench(what: Benchmark) -> Result<()> {
    match what {
        Benchmark::Compile => run(cargo().args(["run", "--release", "--quiet", "-p", "strobe-driver", "--bin", "strobe-bench", "--", "compile"])),
    }
}

//! `cargo xtask ci`: what every submission must pass, from a clean clone.

use crate::{cargo, run, setup};
use anyhow::Result;

pub fn ci() -> Result<()> {
    setup::setup()?;
    // The README's first command builds the release binary; make sure it does.
    run(cargo().args(["build", "--release", "--bin", "strobe"]))?;
    run(cargo().args(["test", "--workspace"]))?;
    // The kernel runtime's host-side unit tests (float repr, integer power, ABI table).
    run(cargo().args(["test", "--manifest-path", "runtime-firmware/Cargo.toml"]))?;
    Ok(())
}

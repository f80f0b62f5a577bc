//! `cargo xtask install`: setup, then build the `strobe` wheel with maturin (`target/wheels/`) and
//! install it, with its `sim` extra (LiteX), into the development venv: `target/strobe-venv/bin/strobe`
//! is then the command the README and the tests use.

use crate::setup::VENV;
use crate::{root, run, setup};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::Command;

pub const WHEELS: &str = "target/wheels";

/// The wheel maturin built (one abi3 wheel per version).
pub fn wheel() -> Result<PathBuf> {
    let dir = root().join(WHEELS);
    let mut wheels: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("no {WHEELS}: run `cargo xtask install`"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    wheels.sort_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
    wheels.pop().context("maturin built no wheel")
}

pub fn install() -> Result<()> {
    setup::setup()?;
    let venv = root().join(VENV);
    let _ = std::fs::remove_dir_all(root().join(WHEELS));
    // The extension links two system libraries LLVM needs, libffi8 and libzstd1 (every Debian 12
    // with python3 has both); the wheel uses them where they are rather than bundling copies.
    run(Command::new(venv.join("bin/maturin"))
        .args(["build", "--release", "--quiet", "--out", WHEELS])
        .args(["--auditwheel", "skip"])
        .arg("--interpreter")
        .arg(venv.join("bin/python3")))?;
    let wheel = wheel()?;
    run(Command::new(venv.join("bin/python3"))
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(["--force-reinstall", "--no-deps"])
        .arg(&wheel))?;
    // The `sim` extra's packages (the wheel itself is already there).
    run(Command::new(venv.join("bin/python3"))
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .arg(format!("{}[sim]", wheel.display())))
}

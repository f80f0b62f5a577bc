//! `cargo xtask setup`: Debian packages and the rv32 Rust target (docs/decisions.md, "Toolchain facts" has the versions).

use crate::run;
use anyhow::{Context, Result};
use std::process::Command;

/// Debian 12 packages: LLVM 19 for inkwell, lld and llvm-mc to check our linker against, qemu-user
/// to run kernels, python3 (with venv) for the conformance comparison and the package's venv;
/// Verilator and the libraries of LiteX's simulation modules for the simulated core device.
const PACKAGES: &[&str] = &[
    "llvm-19-dev",
    "libpolly-19-dev",
    "libzstd-dev",
    "zlib1g-dev",
    "lld-19",
    "qemu-user",
    "python3",
    "python3-venv",
    "python3-dev",
    "verilator",
    "libevent-dev",
    "libjson-c-dev",
];

/// The development venv's tools: maturin builds the wheel; pytest, numpy, h5py (results files) and
/// scipy (ARTIQ's flopping-frequency example) are for the tests. The SoC generator's packages
/// (LiteX, ...) come with the wheel's `sim` extra (listed once, in pyproject.toml).
const BUILD_PACKAGES: &[&str] = &[
    "maturin==1.16.0",
    "pytest==8.3.5",
    "numpy==2.2.6",
    "h5py==3.14.0",
    "scipy==1.15.3",
];

/// Where the development virtual environment lives (the system Python stays untouched): `cargo xtask
/// install` puts the wheel there, with LiteX, so `target/strobe-venv/bin/strobe` is the command.
pub const VENV: &str = "target/strobe-venv";

const RV32_TARGET: &str = "riscv32im-unknown-none-elf";

fn missing_packages() -> Vec<&'static str> {
    PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            let out = Command::new("dpkg-query").args(["-W", "-f=${Status}", p]).output();
            !matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect()
}

/// `apt-get` directly as root, through sudo otherwise.
fn apt() -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let mut c = if root {
        Command::new("apt-get")
    } else {
        let mut s = Command::new("sudo");
        s.arg("apt-get");
        s
    };
    c.env("DEBIAN_FRONTEND", "noninteractive");
    c
}

pub fn setup() -> Result<()> {
    let missing = missing_packages();
    if missing.is_empty() {
        eprintln!("xtask: Debian packages present");
    } else {
        run(apt().arg("update").arg("-q"))?;
        run(apt()
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing))?;
    }
    python_packages()?;
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed for the rv32 target")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == RV32_TARGET)
    {
        eprintln!("xtask: Rust target {RV32_TARGET} present");
    } else {
        run(Command::new("rustup").args(["target", "add", RV32_TARGET]))?;
    }
    Ok(())
}

fn python_packages() -> Result<()> {
    let venv = crate::root().join(VENV);
    let python = venv.join("bin/python3");
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    let check = Command::new(&python)
        .args(["-c", "import pytest, numpy, h5py, scipy"])
        .output();
    if venv.join("bin/maturin").exists() && matches!(check, Ok(o) if o.status.success()) {
        eprintln!("xtask: build tools present in {VENV}");
        return Ok(());
    }
    run(Command::new(&python)
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(BUILD_PACKAGES))
}

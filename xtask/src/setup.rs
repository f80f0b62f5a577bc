//! `cargo xtask setup`: Debian packages and the rv32 Rust target (design.md §6 has the versions).

use crate::run;
use anyhow::{Context, Result};
use std::process::Command;

/// Debian 12 packages: LLVM 19 for inkwell, lld and llvm-mc to check our linker against, qemu-user
/// to run kernels, python3 for the conformance comparison.
const PACKAGES: &[&str] = &[
    "llvm-19-dev",
    "libpolly-19-dev",
    "libzstd-dev",
    "zlib1g-dev",
    "lld-19",
    "qemu-user",
    "python3",
];

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
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let mut c = if root { Command::new("apt-get") } else {
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
        run(apt().args(["install", "-y", "-q", "--no-install-recommends"]).args(&missing))?;
    }
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output().context("rustup is needed for the rv32 target")?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == RV32_TARGET) {
        eprintln!("xtask: Rust target {RV32_TARGET} present");
    } else {
        run(Command::new("rustup").args(["target", "add", RV32_TARGET]))?;
    }
    Ok(())
}

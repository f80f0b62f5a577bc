//! Builds the kernel runtime (`runtime-firmware/kernel-rt`) as an rv32im static library and hands its
//! path to the driver, which embeds it: `cargo build` alone yields a self-contained `strobe`.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let firmware = manifest.join("../../runtime-firmware");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let target_dir = out.join("kernel-rt-target");
    for dir in [
        "abi/src",
        "kernel-rt/src",
        "abi/Cargo.toml",
        "kernel-rt/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", firmware.join(dir).display());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&firmware)
        .args([
            "rustc",
            "--release",
            "--quiet",
            "-p",
            "strobe-kernel-rt",
            "--crate-type",
            "staticlib",
        ])
        .args(["--target", "riscv32im-unknown-none-elf", "--target-dir"])
        .arg(&target_dir)
        .args(["--", "-C", "target-feature=-relax"])
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .expect("cannot run cargo to build the kernel runtime");
    if !status.success() {
        panic!(
            "building the kernel runtime failed; is the rv32 target installed? \
             run `rustup target add riscv32im-unknown-none-elf` (or `cargo xtask setup`)"
        );
    }
    let lib = target_dir.join("riscv32im-unknown-none-elf/release/libstrobe_kernel_rt.a");
    println!("cargo:rustc-env=STROBE_KERNEL_RT={}", lib.display());
}

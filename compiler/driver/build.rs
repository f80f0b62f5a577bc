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
    codegen_fingerprint(&manifest, &firmware);
}

/// A fingerprint of the sources that decide what code a unit's IR becomes (code generation and
/// the ABI's layouts): part of every cache key, so a changed compiler never reuses objects an
/// earlier one made from the same IR.
fn codegen_fingerprint(manifest: &std::path::Path, firmware: &std::path::Path) {
    let roots = [manifest.join("../codegen/src"), firmware.join("abi/src")];
    let mut files = Vec::new();
    for root in &roots {
        println!("cargo:rerun-if-changed={}", root.display());
        collect(root, &mut files);
    }
    files.sort();
    // FNV-1a over each file's name within its root and its bytes.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, path) in files {
        let bytes = std::fs::read(&path).expect("readable source");
        for b in name.bytes().chain([0]).chain(bytes) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=STROBE_CODEGEN_FINGERPRINT={h:016x}");
}

/// Every file under `dir`, as (its name from the root of the walk, its path).
fn collect(dir: &std::path::Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let parent = dir.file_name().unwrap_or_default().to_string_lossy();
            out.push((format!("{parent}/{name}"), path));
        }
    }
}

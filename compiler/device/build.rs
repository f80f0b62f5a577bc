//! Makes the host driver self-contained: builds the core device's firmware (rv32im, against the register
//! map in `gateware-bindings/csr.json`) and embeds it, and embeds the gateware sources the simulator is
//! built from. Nothing at run time refers back to this checkout.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let repo = manifest.join("../..");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    build_firmware(&repo.join("runtime-firmware"), &out);
    embed_gateware(&repo.join("gateware-bindings"), &out);
}

fn build_firmware(firmware: &Path, out: &Path) {
    for path in [
        "abi",
        "kernel-rt",
        "protocol",
        "session",
        "regmap",
        "firmware",
        "replay-rt",
        "Cargo.toml",
        "Cargo.lock",
        "../gateware-bindings/csr.json",
    ] {
        println!("cargo:rerun-if-changed={}", firmware.join(path).display());
    }
    let target_dir = out.join("firmware-target");
    firmware_cargo(
        firmware,
        &target_dir,
        &["build", "--release", "--quiet", "-p", "strobe-firmware"],
        &[],
    );
    let elf = target_dir.join("riscv32im-unknown-none-elf/release/strobe-firmware");
    println!("cargo:rustc-env=STROBE_FIRMWARE_ELF={}", elf.display());
    // The replaying device under qemu: an archive the host links recorded kernels with.
    firmware_cargo(
        firmware,
        &target_dir,
        &["rustc", "--release", "--quiet", "-p", "strobe-replay-rt"],
        &[
            "--crate-type",
            "staticlib",
            "--",
            "-C",
            "target-feature=-relax",
        ],
    );
    let archive = target_dir.join("riscv32im-unknown-none-elf/release/libstrobe_replay_rt.a");
    println!("cargo:rustc-env=STROBE_REPLAY_RT={}", archive.display());
}

/// Runs cargo in the firmware's workspace for the rv32 target: `command`, the target options,
/// then `tail`.
fn firmware_cargo(firmware: &Path, target_dir: &Path, command: &[&str], tail: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(firmware)
        .args(command)
        .args(["--target", "riscv32im-unknown-none-elf", "--target-dir"])
        .arg(target_dir)
        .args(tail)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("STROBE_CSR_JSON")
        .status()
        .expect("cannot run cargo to build the firmware");
    assert!(
        status.success(),
        "building {command:?} failed; is the rv32 target installed? run `cargo xtask setup`"
    );
}

/// `gateware_sources.rs`: every file the simulator's build reads, by path under `gateware-bindings/`.
fn embed_gateware(gateware: &Path, out: &Path) {
    let mut files = Vec::new();
    collect(gateware, gateware, &mut files);
    files.sort();
    let mut code = String::from("&[\n");
    for (relative, absolute) in &files {
        println!("cargo:rerun-if-changed={}", absolute.display());
        let _ = writeln!(
            code,
            "    ({relative:?}, include_bytes!({:?}).as_slice()),",
            absolute.display().to_string()
        );
    }
    code.push(']');
    std::fs::write(out.join("gateware_sources.rs"), code).expect("write gateware_sources.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    for entry in std::fs::read_dir(dir).expect("gateware-bindings is readable") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "__pycache__" {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under root");
            files.push((relative.display().to_string(), path.clone()));
        }
    }
}

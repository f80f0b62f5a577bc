//! The one reader of the SoC's `csr.json` (the gateware's register map, committed as
//! `gateware-bindings/csr.json`; `STROBE_CSR_JSON` points elsewhere). It generates `regmap.rs`: one `Csr`
//! constant per register, the memory regions, and the SoC constants; and `memory.x`, the firmware's linker
//! script (ROM for code, SRAM for data and stack), whose folder dependents find in
//! `DEP_STROBE_REGMAP_MEMORY_X_DIR`. Nothing here is typed in by hand.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=STROBE_CSR_JSON");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let path = std::env::var("STROBE_CSR_JSON").unwrap_or_else(|_| {
        manifest
            .join("../../gateware-bindings/csr.json")
            .display()
            .to_string()
    });
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = String::from("// Generated from csr.json by build.rs. Do not edit.\n\n");
    let mut regs: Vec<_> = json["csr_registers"]
        .as_object()
        .expect("csr_registers")
        .iter()
        .collect();
    regs.sort_by_key(|(n, _)| n.to_string());
    for (name, r) in regs {
        let addr = r["addr"].as_u64().expect("addr");
        let size = r["size"].as_u64().expect("size");
        let _ = writeln!(
            out,
            "pub const {}: crate::Csr<{size}> = crate::Csr::at({addr:#x});",
            name.to_uppercase()
        );
    }
    let mut mems: Vec<_> = json["memories"]
        .as_object()
        .expect("memories")
        .iter()
        .collect();
    mems.sort_by_key(|(n, _)| n.to_string());
    for (name, m) in mems {
        let _ = writeln!(
            out,
            "pub const {}: crate::Region = crate::Region {{ base: {:#x}, size: {:#x} }};",
            name.to_uppercase(),
            m["base"].as_u64().expect("base"),
            m["size"].as_u64().expect("size")
        );
    }
    let mut consts: Vec<_> = json["constants"]
        .as_object()
        .expect("constants")
        .iter()
        .collect();
    consts.sort_by_key(|(n, _)| n.to_string());
    for (name, v) in consts {
        if let Some(n) = v.as_u64() {
            let _ = writeln!(out, "pub const {}: u64 = {n};", name.to_uppercase());
        }
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("regmap.rs"), out).expect("write regmap.rs");
    std::fs::write(out_dir.join("memory.x"), linker_script(&json)).expect("write memory.x");
    println!("cargo:memory_x_dir={}", out_dir.display());
}

/// The firmware's memory layout: code and constants in ROM, data and stack in SRAM. `.text.hot` (the
/// RTIO calls kernels make and their trampolines) comes first, in one piece: those functions never
/// evict one another from the CPU's direct-mapped instruction cache, whatever else moves; its ends
/// are marked (`strobe_abi::FIRMWARE_MARKS`) so the host places kernel code clear of it.
fn linker_script(json: &serde_json::Value) -> String {
    let region = |name: &str| {
        (
            json["memories"][name]["base"].as_u64().expect("base"),
            json["memories"][name]["size"].as_u64().expect("size"),
        )
    };
    let (rom, rom_size) = region("rom");
    let (sram, sram_size) = region("sram");
    let (hot_start, hot_end) = (strobe_abi::HOT_TEXT_START, strobe_abi::HOT_TEXT_END);
    format!(
        "MEMORY {{
  ROM (rx) : ORIGIN = {rom:#x}, LENGTH = {rom_size:#x}
  SRAM (rw) : ORIGIN = {sram:#x}, LENGTH = {sram_size:#x}
}}
ENTRY(_start)
SECTIONS {{
  .text : {{ KEEP(*(.text.start)) {hot_start} = .; *(.text.hot) {hot_end} = .; *(.text .text.*) }} > ROM
  .rodata : ALIGN(4) {{ *(.rodata .rodata.* .srodata .srodata.*) }} > ROM
  .data : ALIGN(4) {{ _sdata = .; *(.data .data.* .sdata .sdata.*) . = ALIGN(4); _edata = .; }} > SRAM AT > ROM
  _sidata = LOADADDR(.data);
  .bss (NOLOAD) : ALIGN(4) {{ _sbss = .; *(.bss .bss.* .sbss .sbss.* COMMON) . = ALIGN(4); _ebss = .; }} > SRAM
  _stack_top = ORIGIN(SRAM) + LENGTH(SRAM);
  /DISCARD/ : {{ *(.eh_frame .eh_frame_hdr) }}
}}
"
    )
}

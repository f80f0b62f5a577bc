//! Writes the firmware's linker script from the SoC's csr.json (ROM for code, SRAM for data and stack).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=STROBE_CSR_JSON");
    println!("cargo:rerun-if-changed=build.rs");
    let path = std::env::var("STROBE_CSR_JSON").expect(
        "STROBE_CSR_JSON: the firmware is built by `strobe run`, which generates the SoC first",
    );
    println!("cargo:rerun-if-changed={path}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("csr.json")).expect("csr.json");
    let region = |name: &str| {
        (
            json["memories"][name]["base"].as_u64().expect("base"),
            json["memories"][name]["size"].as_u64().expect("size"),
        )
    };
    let (rom, rom_size) = region("rom");
    let (sram, sram_size) = region("sram");
    let script = format!(
        "MEMORY {{
  ROM (rx) : ORIGIN = {rom:#x}, LENGTH = {rom_size:#x}
  SRAM (rw) : ORIGIN = {sram:#x}, LENGTH = {sram_size:#x}
}}
ENTRY(_start)
SECTIONS {{
  .text : {{ KEEP(*(.text.start)) *(.text .text.*) }} > ROM
  .rodata : ALIGN(4) {{ *(.rodata .rodata.* .srodata .srodata.*) }} > ROM
  .data : ALIGN(4) {{ _sdata = .; *(.data .data.* .sdata .sdata.*) . = ALIGN(4); _edata = .; }} > SRAM AT > ROM
  _sidata = LOADADDR(.data);
  .bss (NOLOAD) : ALIGN(4) {{ _sbss = .; *(.bss .bss.* .sbss .sbss.* COMMON) . = ALIGN(4); _ebss = .; }} > SRAM
  _stack_top = ORIGIN(SRAM) + LENGTH(SRAM);
  /DISCARD/ : {{ *(.eh_frame .eh_frame_hdr) }}
}}
"
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("memory.x"), script).expect("memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg=-Tmemory.x");
}

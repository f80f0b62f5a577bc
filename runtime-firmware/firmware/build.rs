//! Links the firmware with the linker script `strobe-regmap` generates from the SoC's csr.json (ROM for
//! code, SRAM for data and stack): the register map has one reader.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = std::env::var("DEP_STROBE_REGMAP_MEMORY_X_DIR")
        .expect("strobe-regmap exports the folder of memory.x");
    println!("cargo:rustc-link-search={dir}");
    println!("cargo:rustc-link-arg=-Tmemory.x");
}

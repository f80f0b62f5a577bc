//! Generates `regmap.rs` from the SoC build's `csr.json` (path in `STROBE_CSR_JSON`): one `Csr` constant
//! per register, the memory regions, and the SoC constants. Nothing here is typed in by hand.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=STROBE_CSR_JSON");
    let Ok(path) = std::env::var("STROBE_CSR_JSON") else {
        panic!("STROBE_CSR_JSON is not set: the firmware is built by `strobe run` (or the device tests), which generate the SoC and its csr.json first");
    };
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
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("regmap.rs");
    std::fs::write(dest, out).expect("write regmap.rs");
}

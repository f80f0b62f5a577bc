//! The Python files derived from this crate, so code outside Rust reads the contract instead of
//! retyping it: `gateware-bindings/strobe_gateware/contract.py` (the RTIO event format and status bits
//! the gateware implements) and `compiler/python/python/strobe/abi.py` (what the Python drivers need).
//! A test compares the committed files with what these functions generate; `STROBE_BLESS=1` rewrites
//! them.

use crate::link;
use crate::rtio::{self, input_status, output_status};
use core::fmt::Write;

/// Writes one generated file's text.
pub type Generator = fn(&mut dyn Write) -> core::fmt::Result;

/// Generated files: (path from the repository root, generator).
pub const FILES: [(&str, Generator); 2] = [
    ("gateware-bindings/strobe_gateware/contract.py", gateware),
    ("compiler/python/python/strobe/abi.py", python_package),
];

const HEADER: &str = "# Generated from runtime-firmware/abi (strobe-abi) by its contract test: do not edit.\n\
# Rewrite with `STROBE_BLESS=1 cargo test --manifest-path runtime-firmware/Cargo.toml -p strobe-abi`.\n";

/// Bit index of a single-bit mask.
fn bit(mask: u32) -> u32 {
    mask.trailing_zeros()
}

/// The generated-file header and a module docstring.
fn header(out: &mut dyn Write, doc: &str) -> core::fmt::Result {
    out.write_str(HEADER)?;
    writeln!(out, "\"\"\"{doc}\"\"\"\n")
}

/// The event channels of an input-output channel's addresses (`rtio::CHANNELS`).
fn address_bases(out: &mut dyn Write) -> core::fmt::Result {
    for (doc, name, base) in [
        (
            "Input channel c's sensitivity is set by events on this channel + c.",
            "INPUT_SENSITIVITY_CHANNEL_BASE",
            rtio::INPUT_SENSITIVITY_CHANNEL_BASE,
        ),
        (
            "Input channel c's level is sampled by an output event on this channel + c.",
            "INPUT_SAMPLE_CHANNEL_BASE",
            rtio::INPUT_SAMPLE_CHANNEL_BASE,
        ),
        (
            "Input-output channel c drives its pin while this channel + c says so.",
            "OUTPUT_ENABLE_CHANNEL_BASE",
            rtio::OUTPUT_ENABLE_CHANNEL_BASE,
        ),
    ] {
        writeln!(out, "#: {doc}")?;
        writeln!(out, "{name} = {base}")?;
    }
    Ok(())
}

pub fn gateware(out: &mut dyn Write) -> core::fmt::Result {
    header(
        out,
        "The RTIO core's CPU interface, as the firmware and the compiler use it.",
    )?;
    writeln!(
        out,
        "# o_event: the value word above the channel word above the 64-bit timestamp."
    )?;
    writeln!(
        out,
        "# Timestamps (1 ns machine units) carry this many bits below the coarse clock."
    )?;
    writeln!(out, "FINE_BITS = {}", rtio::FINE_BITS)?;
    writeln!(out, "EVENT_CHANNEL_BITS = {}", rtio::CHANNEL_BITS)?;
    writeln!(out, "EVENT_VALUE_BITS = {}", rtio::VALUE_BITS)?;
    writeln!(
        out,
        "CLOCK_GENERATOR_FTW_BITS = {}",
        rtio::CLOCK_GENERATOR_FTW_BITS
    )?;
    address_bases(out)?;
    writeln!(out, "# RTIO channels are numbered below this.")?;
    writeln!(out, "RTIO_CHANNELS = {}", rtio::CHANNELS)?;
    writeln!(
        out,
        "# rtio_log text, four bytes per event: seen by the analyzer only."
    )?;
    writeln!(out, "LOG_CHANNEL = {}", rtio::LOG_CHANNEL)?;
    writeln!(
        out,
        "# The CPU's instruction cache (direct-mapped): kernel code is placed by it."
    )?;
    writeln!(out, "ICACHE_BYTES = {}", crate::ICACHE_BYTES)?;
    writeln!(
        out,
        "# Input entries are stamped this much after their edge or sample reached the input."
    )?;
    writeln!(
        out,
        "INPUT_TIMESTAMP_OFFSET_MU = {}",
        rtio::INPUT_TIMESTAMP_OFFSET_MU
    )?;
    writeln!(
        out,
        "# The fast event window: the timestamp's high and low words, then one word per (value, \
         channel): a read offers the event and answers FAST_TAKEN (| FAST_ROOMY) or \
         FAST_ELSEWHERE; a store of the low word there offers it unanswered."
    )?;
    writeln!(out, "FAST_WINDOW_SIZE = {:#x}", rtio::fast::WINDOW_SIZE)?;
    writeln!(
        out,
        "FAST_TIMESTAMP_HIGH_OFFSET = {:#x}",
        rtio::fast::FAST_TIMESTAMP_HIGH_OFFSET
    )?;
    writeln!(
        out,
        "FAST_TIMESTAMP_LOW_OFFSET = {:#x}",
        rtio::fast::FAST_TIMESTAMP_LOW_OFFSET
    )?;
    writeln!(
        out,
        "FAST_EVENT_BASE_OFFSET = {:#x}",
        rtio::fast::EVENT_BASE_OFFSET
    )?;
    writeln!(out, "FAST_TAKEN = {}", rtio::fast::TAKEN)?;
    writeln!(out, "FAST_ELSEWHERE = {}", rtio::fast::ELSEWHERE)?;
    writeln!(out, "FAST_ROOMY = {}", rtio::fast::ROOMY)?;
    writeln!(
        out,
        "FAST_ROOMY_SLACK_CYCLES = {}",
        rtio::fast::ROOMY_SLACK_CYCLES
    )?;
    writeln!(out, "FAST_VALUE_BITS = {}", rtio::fast::VALUE_BITS)?;
    writeln!(out, "# DMA memory entries and dma_status bit positions.")?;
    writeln!(out, "DMA_ENTRY_BYTES = {}", rtio::dma::ENTRY_BYTES)?;
    writeln!(out, "DMA_STATUS_BUSY = {}", bit(rtio::dma::status::BUSY))?;
    writeln!(
        out,
        "DMA_STATUS_UNDERFLOW = {}",
        bit(rtio::dma::status::UNDERFLOW)
    )?;
    writeln!(out, "# o_status bit positions.")?;
    writeln!(out, "OUTPUT_STATUS_BUSY = {}", bit(output_status::BUSY))?;
    writeln!(
        out,
        "OUTPUT_STATUS_UNDERFLOW = {}",
        bit(output_status::UNDERFLOW)
    )?;
    writeln!(
        out,
        "OUTPUT_STATUS_SEQUENCE_ERROR = {}",
        bit(output_status::SEQUENCE_ERROR)
    )?;
    writeln!(
        out,
        "OUTPUT_STATUS_OVERFLOW = {}",
        bit(output_status::OVERFLOW)
    )?;
    writeln!(
        out,
        "OUTPUT_STATUS_COLLISION = {}",
        bit(output_status::COLLISION)
    )?;
    writeln!(out, "# i_status bit positions.")?;
    writeln!(out, "INPUT_STATUS_READY = {}", bit(input_status::READY))?;
    writeln!(
        out,
        "INPUT_STATUS_OVERFLOW = {}",
        bit(input_status::OVERFLOW)
    )?;
    writeln!(
        out,
        "# The host link's window: register offsets, and the CRC its units compute."
    )?;
    writeln!(out, "LINK_WINDOW_SIZE = {:#x}", link::WINDOW_SIZE)?;
    writeln!(out, "LINK_OFFSETS = {{")?;
    for (name, offset) in link::OFFSETS {
        writeln!(out, "    \"{name}\": {offset:#x},")?;
    }
    writeln!(out, "}}")?;
    writeln!(
        out,
        "LINK_CRC_POLY_REFLECTED = {:#x}",
        link::CRC_POLY_REFLECTED
    )
}

pub fn python_package(out: &mut dyn Write) -> core::fmt::Result {
    header(
        out,
        "Facts of the core device's ABI that the Python drivers use.",
    )?;
    writeln!(
        out,
        "#: Seconds per machine unit (`core.ref_period`) and per RTIO coarse clock cycle."
    )?;
    writeln!(out, "REF_PERIOD = 1e-{}", rtio::MU_PER_SECOND.ilog10())?;
    writeln!(out, "MU_PER_COARSE_CYCLE = {}", rtio::MU_PER_COARSE_CYCLE)?;
    address_bases(out)?;
    writeln!(
        out,
        "#: Bits of a clock generator's phase accumulator (its frequency tuning word)."
    )?;
    writeln!(
        out,
        "CLOCK_GENERATOR_FTW_BITS = {}",
        rtio::CLOCK_GENERATOR_FTW_BITS
    )?;
    writeln!(out, "#: The timeline starts (and core.reset() puts it) this many machine units ahead of the RTIO counter.")?;
    writeln!(
        out,
        "TIMELINE_START_SLACK_MU = {}",
        rtio::TIMELINE_START_SLACK_MU
    )
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    #[test]
    fn committed_files_match_the_contract() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let bless = std::env::var_os("STROBE_BLESS").is_some();
        for (path, generate) in super::FILES {
            let mut expected = String::new();
            generate(&mut expected).expect("formatting");
            let file = root.join(path);
            if bless {
                std::fs::write(&file, &expected).expect("write the generated file");
                continue;
            }
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                committed == expected,
                "{path} differs from what strobe-abi generates: its consumers and the Rust side \
                 disagree. Regenerate with STROBE_BLESS=1 (see the file's header).\n--- expected:\n{expected}"
            );
        }
    }
}

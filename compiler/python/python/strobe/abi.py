# Generated from runtime-firmware/abi (strobe-abi) by its contract test: do not edit.
# Rewrite with `STROBE_BLESS=1 cargo test --manifest-path runtime-firmware/Cargo.toml -p strobe-abi`.
"""Facts of the core device's ABI that the Python drivers use."""

#: Seconds per machine unit (`core.ref_period`) and per RTIO coarse clock cycle.
REF_PERIOD = 1e-9
MU_PER_COARSE_CYCLE = 8
#: Input channel c's sensitivity is set by events on this channel + c.
INPUT_SENSITIVITY_CHANNEL_BASE = 128
#: Input channel c's level is sampled by an output event on this channel + c.
INPUT_SAMPLE_CHANNEL_BASE = 160
#: Input-output channel c drives its pin while this channel + c says so.
OUTPUT_ENABLE_CHANNEL_BASE = 192
#: Bits of a clock generator's phase accumulator (its frequency tuning word).
CLOCK_GENERATOR_FTW_BITS = 24
#: The timeline starts (and core.reset() puts it) this many machine units ahead of the RTIO counter.
TIMELINE_START_SLACK_MU = 125000

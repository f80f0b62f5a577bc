# Generated from runtime-firmware/abi (strobe-abi) by its contract test: do not edit.
# Rewrite with `STROBE_BLESS=1 cargo test --manifest-path runtime-firmware/Cargo.toml -p strobe-abi`.
"""The RTIO core's CPU interface, as the firmware and the compiler use it."""

# o_event: the value word above the channel word above the 64-bit timestamp.
# Timestamps (1 ns machine units) carry this many bits below the coarse clock.
FINE_BITS = 3
EVENT_CHANNEL_BITS = 8
EVENT_VALUE_BITS = 32
CLOCK_GENERATOR_FTW_BITS = 24
#: Input channel c's sensitivity is set by events on this channel + c.
INPUT_SENSITIVITY_CHANNEL_BASE = 128
#: Input channel c's level is sampled by an output event on this channel + c.
INPUT_SAMPLE_CHANNEL_BASE = 160
#: Input-output channel c drives its pin while this channel + c says so.
OUTPUT_ENABLE_CHANNEL_BASE = 192
# RTIO channels are numbered below this.
RTIO_CHANNELS = 32
# rtio_log text, four bytes per event: seen by the analyzer only.
LOG_CHANNEL = 31
# The CPU's instruction cache (direct-mapped): kernel code is placed by it.
ICACHE_BYTES = 4096
# Input entries are stamped this much after their edge or sample reached the input.
INPUT_TIMESTAMP_OFFSET_MU = 88
# The fast event window: the timestamp's high and low words, then one word per (value, channel): a read offers the event and answers FAST_TAKEN (| FAST_ROOMY) or FAST_ELSEWHERE; a store of the low word there offers it unanswered.
FAST_WINDOW_SIZE = 0x2000
FAST_TIMESTAMP_HIGH_OFFSET = 0x0
FAST_TIMESTAMP_LOW_OFFSET = 0x4
FAST_EVENT_BASE_OFFSET = 0x1000
FAST_TAKEN = 0
FAST_ELSEWHERE = 1
FAST_ROOMY = 2
FAST_ROOMY_SLACK_CYCLES = 4608
FAST_VALUE_BITS = 2
# DMA memory entries and dma_status bit positions.
DMA_ENTRY_BYTES = 16
DMA_STATUS_BUSY = 0
DMA_STATUS_UNDERFLOW = 1
# o_status bit positions.
OUTPUT_STATUS_BUSY = 0
OUTPUT_STATUS_UNDERFLOW = 1
OUTPUT_STATUS_SEQUENCE_ERROR = 2
OUTPUT_STATUS_OVERFLOW = 3
OUTPUT_STATUS_COLLISION = 4
# i_status bit positions.
INPUT_STATUS_READY = 0
INPUT_STATUS_OVERFLOW = 1
# The host link's window: register offsets, and the CRC its units compute.
LINK_WINDOW_SIZE = 0x100
LINK_OFFSETS = {
    "rx_word": 0x0,
    "rx_byte": 0x4,
    "rx_word_crc": 0x8,
    "rx_byte_crc": 0xc,
    "rx_level": 0x10,
    "rx_crc": 0x14,
    "rx_crc_feed": 0x18,
    "tx_word": 0x1c,
    "tx_byte": 0x20,
    "tx_word_crc": 0x24,
    "tx_byte_crc": 0x28,
    "tx_space": 0x2c,
    "tx_crc": 0x30,
}
LINK_CRC_POLY_REFLECTED = 0xedb88320

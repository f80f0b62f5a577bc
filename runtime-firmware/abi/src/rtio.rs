//! The RTIO time base and the RTIO core's CPU interface: how an output event is written (by the firmware, or inline by
//! kernel code) and what the status registers' bits mean. The gateware reads the same facts from
//! `strobe_gateware/contract.py`, generated from this module (see [`crate::contract`]).

/// One machine unit is 1 ns, as ARTIQ's (`core.ref_period = 1e-9`), whatever the RTIO clock.
pub const MU_PER_SECOND: u64 = 1_000_000_000;
/// Timestamps carry this many bits below the RTIO coarse clock (125 MHz: 8 ns = 8 mu per cycle); the
/// RTIO counter counts coarse cycles and reads as machine units (its value shifted up by these bits).
pub const FINE_BITS: u32 = 3;
/// Machine units per RTIO coarse clock cycle (`core.coarse_ref_period / core.ref_period`).
pub const MU_PER_COARSE_CYCLE: i64 = 1 << FINE_BITS;

/// Bits of the channel number in an output event.
pub const CHANNEL_BITS: u32 = 8;
/// The channel field of an event's channel word.
pub const CHANNEL_MASK: u32 = (1 << CHANNEL_BITS) - 1;
/// An event's value is a 32-bit word: a TTL output uses bit 0 (the level), an input's sensitivity
/// two bits, a clock generator 24 (its frequency tuning word, [`CLOCK_GENERATOR_FTW_BITS`]).
pub const VALUE_BITS: u32 = 32;
/// Clock generator channels (as ARTIQ's `TTLClockGen`) follow the TTL outputs: a phase accumulator
/// of this many bits advanced by the event's value every coarse cycle, its top bit the output.
pub const CLOCK_GENERATOR_FTW_BITS: u32 = 24;
/// RTIO channels are numbered below this. An input-output channel (as ARTIQ's `TTLInOut`) has
/// addresses, as ARTIQ's: its output level is set by events on the channel itself, its other
/// addresses by events on event channel `<address's base> + channel`
/// ([`INPUT_SENSITIVITY_CHANNEL_BASE`], [`INPUT_SAMPLE_CHANNEL_BASE`],
/// [`OUTPUT_ENABLE_CHANNEL_BASE`]). Events of one channel that play in the same coarse cycle
/// collide (logged, as ARTIQ's), unless one replaces the other: the same address at exactly the
/// same timestamp, where the later event takes the earlier one's place.
pub const CHANNELS: u32 = 32;
/// The RTIO log channel (ARTIQ's, which its analyzer shows): `rtio_log(...)` text, four bytes
/// per event, the first in the value's most significant byte (zero bytes are padding). Its events
/// drive nothing and are never refused.
pub const LOG_CHANNEL: u32 = CHANNELS - 1;
/// `rtio_log` text as the log channel's event values: four bytes each, the first in the most
/// significant byte, the last word padded with zero bytes.
pub fn log_words(text: &[u8]) -> impl Iterator<Item = u32> + '_ {
    text.chunks(4).map(|chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        u32::from_be_bytes(word)
    })
}

/// Input channel `c`'s sensitivity is set by events on `INPUT_SENSITIVITY_CHANNEL_BASE + c`.
pub const INPUT_SENSITIVITY_CHANNEL_BASE: u32 = 128;
/// An input entry (an edge, a sample) reaches the CPU this long after its time at most (detection,
/// the FIFO, the CSR): a reader waiting for entries up to time `t` waits until the counter passes
/// `t + INPUT_LATENCY_MU`.
pub const INPUT_LATENCY_MU: i64 = 8 * MU_PER_COARSE_CYCLE;
/// Input timestamps run this far behind the gate, as ARTIQ's gateware: an entry is stamped with
/// the time its edge (or sample) reached the input plus this pipeline latency, while a
/// sensitivity event acts at its own time. So an edge that arrives at time `t` is recorded by a
/// gate open at `t` and reads back as `t + INPUT_TIMESTAMP_OFFSET_MU` (ARTIQ's test_rtio calls it
/// the gateware latency offset between gate and input: 11 coarse cycles).
pub const INPUT_TIMESTAMP_OFFSET_MU: i64 = 11 * MU_PER_COARSE_CYCLE;
/// A sample of input channel `c`'s level is requested by an event on
/// `INPUT_SAMPLE_CHANNEL_BASE + c`: at the event's time the level goes to the input's FIFO, and the
/// input's sensitivity becomes the event's value (as ARTIQ's: a watch samples and opens the gate
/// to the edge that would end it in one event).
pub const INPUT_SAMPLE_CHANNEL_BASE: u32 = 160;
/// Input-output channel `c` drives its pin from the time of an event of value 1 on
/// `OUTPUT_ENABLE_CHANNEL_BASE + c` (0: it stops; the pin then carries what is wired to it).
pub const OUTPUT_ENABLE_CHANNEL_BASE: u32 = 192;

/// The RTIO channel an event channel addresses (the channel errors and the core log name).
pub const fn rtio_channel(event_channel: u32) -> u32 {
    if event_channel >= INPUT_SENSITIVITY_CHANNEL_BASE {
        event_channel % CHANNELS
    } else {
        event_channel
    }
}

/// The address an event channel is of its RTIO channel, as ARTIQ's `TTLInOut` numbers them: 0 the
/// output level (any other channel's events), 1 output enable, 2 sensitivity, 3 sample.
pub const fn rtio_address(event_channel: u32) -> u32 {
    match event_channel - event_channel % CHANNELS {
        OUTPUT_ENABLE_CHANNEL_BASE => 1,
        INPUT_SENSITIVITY_CHANNEL_BASE => 2,
        INPUT_SAMPLE_CHANNEL_BASE => 3,
        _ => 0,
    }
}

// The address bases follow one another, a channel number apart.
const _: () = assert!(
    INPUT_SAMPLE_CHANNEL_BASE == INPUT_SENSITIVITY_CHANNEL_BASE + CHANNELS
        && OUTPUT_ENABLE_CHANNEL_BASE == INPUT_SAMPLE_CHANNEL_BASE + CHANNELS
        && OUTPUT_ENABLE_CHANNEL_BASE + CHANNELS <= 1 << CHANNEL_BITS
        && INPUT_SENSITIVITY_CHANNEL_BASE.is_multiple_of(CHANNELS)
);
/// Sensitivity bits: edges an input records from the event's time on (0: none, the gate closed).
pub mod sensitivity {
    pub const RISING: u32 = 1 << 0;
    pub const FALLING: u32 = 1 << 1;
}

/// An output event as the four words of the `o_event` CSR, in address order: the value, the
/// channel, the timestamp's high word, its low word. Writing the last word enqueues the event.
pub const fn event_words(channel: u32, timestamp: i64, value: u32) -> [u32; 4] {
    [
        value,
        channel & CHANNEL_MASK,
        (timestamp >> 32) as u32,
        timestamp as u32,
    ]
}

/// The fast event window (a bus slave of the RTIO core, uncached). A kernel offers an output event
/// in one of two ways:
/// - **answered**: it stores the timestamp's high and low words ([`FAST_TIMESTAMP_HIGH_OFFSET`],
///   [`FAST_TIMESTAMP_LOW_OFFSET`]), then reads the word at [`fast_event_offset`]`(channel,
///   value)`. The answer says whether the RTIO core took the event ([`TAKEN`], with [`ROOMY`] set
///   when its slack was at least [`ROOMY_SLACK_CYCLES`]) or nothing was offered ([`ELSEWHERE`]).
///   The core checks the event's time in the cycle it would queue it, with the same rule as
///   `o_event`, so a late event is never offered this way: the kernel writes it through the
///   firmware's exact path, which raises RTIOUnderflow at the offending call.
/// - **unanswered**, while the firmware's roomy flag ([`crate::RTIO_ROOMY`]) is set: it stores the
///   high word, then the low word at the event's offset, which offers the event. The flag says an
///   answered event at or before the cursor had room, and the kernel tick clears it at least every
///   [`crate::KERNEL_TICK_CYCLES`] (less than the room): so an event offered this way is in time.
///
/// Every store and read completes in its bus cycle (a full FIFO holds the access; an event held so
/// never turns late: the FIFO holds earlier events of distinct coarse cycles). Sequence errors and
/// collisions are refusals of events taken: read from the sticky `o_status` bits afterwards, for the
/// core log (as ARTIQ's asynchronous errors are).
pub mod fast {
    /// Bytes of the window.
    pub const WINDOW_SIZE: u32 = 0x2000;
    /// Bits of the values an event address can carry (a TTL level, an input's sensitivity); other
    /// values take the exact path.
    pub const VALUE_BITS: u32 = 2;
    pub const VALUE_MASK: u32 = (1 << VALUE_BITS) - 1;
    /// The timestamp's high word, kept for the events offered after it.
    pub const FAST_TIMESTAMP_HIGH_OFFSET: u32 = 0;
    /// The timestamp's low word, kept for the events offered after it.
    pub const FAST_TIMESTAMP_LOW_OFFSET: u32 = 4;
    /// Where the event words start: one word per (value, channel).
    pub const EVENT_BASE_OFFSET: u32 = 0x1000;
    /// The byte offset of the word that offers an event to `channel` with `value`.
    pub const fn fast_event_offset(channel: u32, value: u32) -> u32 {
        EVENT_BASE_OFFSET
            + ((((value & VALUE_MASK) << super::CHANNEL_BITS) | (channel & super::CHANNEL_MASK))
                << 2)
    }
    /// What reading an event's word gives when the RTIO core took the event (queued it, or
    /// refused it as out of order or colliding: sticky `o_status` bits, for the core log). A full
    /// FIFO holds the read until the event fits.
    pub const TAKEN: u32 = 0;
    /// What reading an event's word gives when nothing was offered: the event would be late, or
    /// the window is closed (`o_fast_open` clear: DMA records, a replay). The kernel then writes
    /// the event through the exact path, which raises RTIOUnderflow for a late one.
    pub const ELSEWHERE: u32 = 1;
    /// Set in the answer beside [`TAKEN`] when the event had at least [`ROOMY_SLACK_CYCLES`] of
    /// slack: the kernel stores the answer as the roomy flag ([`crate::RTIO_ROOMY`]).
    pub const ROOMY: u32 = 2;
    /// CPU cycles between the kernel reading the roomy flag and its unanswered event reaching the
    /// RTIO core (an instruction-cache refill or two, the bus), beside the kernel tick.
    pub const ROOMY_MARGIN_CYCLES: u64 = 512;
    /// The slack (in RTIO coarse cycles, the CPU's clock) an answered event needs for
    /// [`ROOMY`]: every event at or after it stays in time until the next kernel tick clears
    /// the flag.
    pub const ROOMY_SLACK_CYCLES: u64 = crate::KERNEL_TICK_CYCLES + ROOMY_MARGIN_CYCLES;
}

/// The DMA memory and engine: recorded sequences are entries of [`dma::ENTRY_BYTES`] in the DMA
/// memory window, {timestamp low word, high word, channel, value}, timestamps relative to the
/// playback's start.
pub mod dma {
    /// Bytes per entry of the DMA memory (the entry count is the window's size over this).
    pub const ENTRY_BYTES: u32 = 16;
    /// An entry's words, in address order.
    pub const fn entry_words(channel: u32, timestamp: i64, value: u32) -> [u32; 4] {
        let event = super::event_words(channel, timestamp, value);
        [event[3], event[2], event[1], event[0]]
    }
    /// Bits of `dma_status`.
    pub mod status {
        /// The engine is playing entries.
        pub const BUSY: u32 = 1 << 0;
        /// A playback stopped at a late entry (`dma_error_timestamp`/`_channel`). Sticky until
        /// `dma_error_clear`.
        pub const UNDERFLOW: u32 = 1 << 1;
    }
}

/// Bits of `o_status`.
pub mod output_status {
    /// Some output FIFO still holds events.
    pub const BUSY: u32 = 1 << 0;
    /// An event was late (its timestamp not in the future when written): dropped. Sticky.
    pub const UNDERFLOW: u32 = 1 << 1;
    /// An event was earlier than its channel's previous one: dropped. Sticky.
    pub const SEQUENCE_ERROR: u32 = 1 << 2;
    /// The channel's FIFO was full: the event was not queued. Sticky.
    pub const OVERFLOW: u32 = 1 << 3;
    /// An event in the same coarse cycle as its channel's previous one: dropped. Sticky.
    pub const COLLISION: u32 = 1 << 4;
    /// The bits that mean the last event was refused.
    pub const ERRORS: u32 = UNDERFLOW | SEQUENCE_ERROR | OVERFLOW | COLLISION;
}

/// Bits of `i_status` (for the channel `chan_sel` selects).
pub mod input_status {
    /// A timestamp is waiting in `i_timestamp`.
    pub const READY: u32 = 1 << 0;
    /// An input FIFO was full when an edge arrived. Sticky until `i_overflow_clear`.
    pub const OVERFLOW: u32 = 1 << 1;
}

/// Where the first kernel's timeline starts, and where `core.reset()` / `core.break_realtime()` put
/// it: this many machine units (125 us, as ARTIQ's) ahead of the RTIO counter.
pub const TIMELINE_START_SLACK_MU: i64 = 125_000;

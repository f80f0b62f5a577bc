"""The RTIO core: a 64-bit counter of coarse clock cycles (the sys clock, 125 MHz), TTL output
channels with per-channel event FIFOs, and timestamped input channels.

Time base (as ARTIQ's): timestamps are machine units of 1 ns; their low ``FINE_BITS`` bits are below
the coarse clock (8 mu per cycle). The TTLs are modelled as ARTIQ's SERDES TTLs: an event plays in
the coarse cycle its timestamp falls in, and its edge lies at the fine position within that cycle;
the pin signal changes at the cycle, the fine position travels beside it (the trace logs the edge at
its exact machine unit, and a loopback input stamps the edge with it). An external input pin has no
fine position: its edges are stamped at the coarse cycle.

CPU interface (CSRs):
  counter, counter_update   write counter_update to latch the running counter, in machine units.
  chan_sel                  the input channel the next input read addresses.
  o_event                   one output event, four 32-bit words: the value, the channel, then the
                            timestamp's high and low words; writing the low word enqueues it.
  o_status                  busy (an output FIFO holds events), underflow, sequence error, overflow
                            (the channel's FIFO was full: the event was not queued), collision (an
                            event in the same coarse cycle as the channel's previous one); the error
                            bits are sticky until o_status_clear.
  o_error_channel           the channel of the last sequence error or collision.
  o_fast_open               1: the fast window offers events (clear: every offer is answered
                            FAST_ELSEWHERE; the firmware clears it while DMA records and in a replay).
  o_fast_room               1: answers may say FAST_ROOMY (the kernel tick clears it for a tick
                            before long work).
  o_status_clear            clears the sticky bits.
  o_underflow_timestamp     timestamp and channel of the last underflowing event.
  i_status                  ready (an input timestamp waits on the selected channel), overflow (an
                            input FIFO was full when an edge came: sticky until i_overflow_clear).

Bus windows (uncached, beside the CSRs):
  fast        the fast event window (``contract.FAST_*``): stores of the timestamp's high and low
              words, then a read at an address naming (value, channel) offers the event: it reads
              FAST_TAKEN once the event is queued (or refused as out of order or colliding: sticky
              o_status bits), with FAST_ROOMY when it had FAST_ROOMY_SLACK_CYCLES of slack, and
              FAST_ELSEWHERE when it would be late or o_fast_open is clear (nothing offered). A
              store of the low word at the event's address offers it unanswered (refusals in the
              sticky bits). A full FIFO holds the access until the event fits.
  dma_memory  the DMA memory: DMA_DEPTH entries of four words {timestamp low, timestamp high, channel,
              value}, timestamps relative to the playback's start.
DMA engine (CSRs dma_*): plays entries [dma_first, dma_first + dma_count) at dma_base + their
timestamps when dma_start is written, one event per cycle while the target FIFOs take them;
dma_status is busy while it runs. A late entry stops the playback (its timestamp and channel in
dma_error_timestamp/_channel, dma_status's underflow bit sticky until dma_error_clear).

The field widths and bit positions come from ``contract.py``, generated from the kernel ABI crate
(strobe-abi), which the firmware and the compiler use too.
  i_timestamp, i_re         the head timestamp of the selected input channel; write i_re to pop it.

Output events go to TTL channels 0..n-1, clock generators n.. (as ARTIQ's ClockGen: a phase
accumulator of CLOCK_GENERATOR_FTW_BITS advanced by the event's value, the frequency tuning word,
every coarse cycle; a new word restarts it at half a turn, at a rising edge; 0 stops it low), then
TTL input-output channels (as ARTIQ's TTLInOut), each with four addresses: its output level (the
channel c itself), and OUTPUT_ENABLE_CHANNEL_BASE + c, INPUT_SENSITIVITY_CHANNEL_BASE + c (value
bit 0: rising edges, bit 1: falling edges; 0: the gate is closed: gate windows are on the timeline,
as ARTIQ's) and INPUT_SAMPLE_CHANNEL_BASE + c (a sample of the pin's level at the event's time;
the sensitivity becomes the event's value, as ARTIQ's: a watch is a sample and a sensitivity).
Its input sees its own output while the output is enabled, else what is wired to its pin.
Events on LOG_CHANNEL (rtio_log text) are only shown to the analyzer.
Collision: events of one channel playing in the same coarse cycle (the second one of one address
is refused; of two addresses, both act), flagged; an event at exactly the time of its address's
newest queued one replaces it instead (as ARTIQ's).
Underflow: an event whose timestamp is not in the future when enqueued is dropped and flagged.
Sequence error: an event earlier than the channel's previous event is dropped and flagged.
Every output edge is logged by the simulation as `rtio <time in mu> <channel> <value>`; and, as ARTIQ's
RTIO analyzer records them, every output event queued, every late one refused and every input
timestamp the CPU takes, as `rtio_analyzer output|underflow|input <counter in mu> ...` (the host
collects them for `strobe.coredevice.comm_analyzer`).
"""

from migen import Module, Signal, If, Display, Cat, Case, Replicate, Memory, Mux
from migen.genlib.fifo import SyncFIFO
from litex.soc.interconnect import wishbone
from litex.soc.interconnect.csr import AutoCSR, CSR, CSRStatus, CSRStorage

from . import contract

# Cycles between the CSR write that enqueues an event and the earliest cycle it can reach its pin.
PIPELINE_LATENCY = 4
# Entries of the DMA memory.
DMA_DEPTH = 32768


class _EventFifo(Module):
    """A first-in first-out queue of events (read combinationally at its head) whose newest entry
    can be written again in place (`replace`, while it holds one): ARTIQ's replacement of an event
    by a later one at the same time and address."""

    def __init__(self, width, depth):
        assert depth & (depth - 1) == 0, "the pointers wrap at a power of two"
        self.din = Signal(width)
        self.we = Signal()
        self.replace = Signal()
        self.writable = Signal()
        self.dout = Signal(width)
        self.re = Signal()
        self.readable = Signal()
        memory = Memory(width, depth)
        write = memory.get_port(write_capable=True)
        read = memory.get_port(async_read=True)
        self.specials += memory, write, read
        produce = Signal(max=depth)
        consume = Signal(max=depth)
        level = Signal(max=depth + 1)
        pushed = Signal()
        popped = Signal()
        self.comb += [
            pushed.eq(self.we & self.writable),
            popped.eq(self.re & self.readable),
            write.adr.eq(Mux(self.replace, produce - 1, produce)),
            write.dat_w.eq(self.din),
            write.we.eq(pushed | (self.replace & self.readable)),
            read.adr.eq(consume),
            self.dout.eq(read.dat_r),
            self.readable.eq(level != 0),
            self.writable.eq(level != depth),
        ]
        self.sync += [
            If(pushed, produce.eq(produce + 1)),
            If(popped, consume.eq(consume + 1)),
            If(pushed & ~popped, level.eq(level + 1)).Elif(popped & ~pushed, level.eq(level - 1)),
        ]


class RTIO(Module, AutoCSR):
    def __init__(self, outputs, inouts, clock_generators=(), input_delay=0, fifo_depth=64,
                 output_fifo_depth=256, log_edges=True):
        """`outputs`: the TTL output pins (channels 0..). `clock_generators`: their output pins
        (the channels after the outputs). `inouts`: per TTL input-output channel (the channels
        after those), what is wired to its pin: another pin, or the index of an output channel
        (a loopback cable, with that output's fine edge positions); its input sees its own output
        while its output is enabled, else what is wired to it. `input_delay`: coarse
        cycles between a pin's change and its input seeing it (a loopback cable and the I/O
        buffers; a real device's round trip is tens of ns). `fifo_depth`: edges an input holds;
        `output_fifo_depth`: events an output channel holds ahead of their time (the slack a DMA
        playback at the timeline's own rate keeps while the kernel tick interrupts the CPU: ARTIQ's
        test_dma_playback_time plays 40 events every 4 us, 20,000 times)."""
        n_out = len(outputs)
        first_inout = n_out + len(clock_generators)
        assert first_inout + len(inouts) <= contract.RTIO_CHANNELS
        self.counter_value = counter = Signal(64)
        self.sync += counter.eq(counter + 1)
        fine = contract.FINE_BITS
        # The counter in machine units (what the CPU reads and inputs are stamped with).
        counter_mu = Signal(64)
        self.comb += counter_mu.eq(Cat(Replicate(0, fine), counter[:64 - fine]))

        self._counter = CSRStatus(64)
        self._counter_update = CSR()
        self.sync += If(self._counter_update.re, self._counter.status.eq(counter_mu))

        self._chan_sel = CSRStorage(8)
        # Written by the CPU (or inline by kernels): 3 words, the last one enqueues the event.
        self._o_event = CSRStorage(64 + 32 + contract.EVENT_VALUE_BITS, atomic_write=True)
        self._o_status = CSRStatus(5)
        self._o_status_clear = CSR()
        self._o_underflow_timestamp = CSRStatus(64)
        self._o_underflow_channel = CSRStatus(8)
        self._o_error_channel = CSRStatus(8)

        underflow = Signal()
        sequence_error = Signal()
        overflow = Signal()
        collision = Signal()
        sel = self._chan_sel.storage

        # The event offered this cycle, from one of three sources: the o_event CSR (refused when its
        # FIFO is full: the firmware writes it again), the fast window and the DMA engine (both wait
        # while the FIFO is full). The CPU reaches one of the first two at a time and waits while
        # the DMA engine plays.
        timestamp = Signal(64)
        channel = Signal(contract.EVENT_CHANNEL_BITS)
        value = Signal(contract.EVENT_VALUE_BITS)
        offered = Signal()
        waits = Signal()  # the offering source waits while the event's FIFO is full
        from_dma = Signal()
        blocked = Signal()  # the offered event would be queued but its FIFO is full
        taken = Signal()  # the offered event is queued or refused this cycle
        late_offered = Signal()  # ... and refused as late
        event = self._o_event.storage
        fast = self._fast_window(taken & ~from_dma, counter)
        dma = self._dma_engine(taken & from_dma, late_offered)
        self.comb += [
            If(dma.valid,
                offered.eq(1), waits.eq(1), from_dma.eq(1),
                timestamp.eq(dma.timestamp), channel.eq(dma.channel), value.eq(dma.value),
            ).Elif(fast.valid,
                offered.eq(1), waits.eq(1),
                timestamp.eq(fast.timestamp), channel.eq(fast.channel), value.eq(fast.value),
            ).Else(
                offered.eq(self._o_event.re),
                timestamp.eq(event[:64]),
                channel.eq(event[64:64 + contract.EVENT_CHANNEL_BITS]),
                value.eq(event[96:]),
            ),
            taken.eq(offered & ~(blocked & waits)),
        ]
        # The coarse cycle an event's timestamp falls in.
        cycle = Signal(64 - fine)
        self.comb += cycle.eq(timestamp[fine:])
        busy = Signal()
        busy_terms = []
        queue_heads = []  # per event queue: (whether it holds an event, the head's coarse cycle)
        blocked_terms = []
        late_terms = []
        # Per output channel: the fine position of its last edge.
        fines = []

        def event_queue(number, width, rtio_channel=None):
            """The timestamped events of event channel `number` (values of `width` bits), an
            address of RTIO channel `rtio_channel` (errors name it; default `number`): refused
            (flagged) when late, out of order or colliding, else queued (or, at exactly the
            timestamp of the newest queued one, in its place: ARTIQ's replacement); returns (due,
            value, fine) of the head event, `due` in the cycle it plays."""
            error_channel = number if rtio_channel is None else rtio_channel
            fifo = _EventFifo(64 + width, output_fifo_depth)
            self.submodules += fifo
            last = Signal(64)
            has_last = Signal()
            selected = Signal()
            self.comb += [
                selected.eq(channel == number),
                fifo.din.eq(Cat(timestamp, value[:width])),
            ]
            busy_terms.append(fifo.readable)
            late = Signal()
            out_of_order = Signal()
            same_cycle = Signal()
            replaces = Signal()
            self.comb += [
                late.eq(cycle < counter + PIPELINE_LATENCY),
                out_of_order.eq(timestamp < last),
                # A SERDES TTL plays one event per coarse cycle: a second one in it collides,
                # unless it is at exactly the same time (it then replaces the first, still queued:
                # the first is not late, so not due yet).
                same_cycle.eq(has_last & (cycle == last[fine:])),
                replaces.eq(same_cycle & (timestamp == last)),
            ]
            acceptable = Signal()
            self.comb += [
                acceptable.eq(selected & ~late & ~out_of_order & (~same_cycle | replaces)),
                fifo.we.eq(taken & acceptable & ~replaces & fifo.writable),
                fifo.replace.eq(taken & acceptable & replaces),
            ]
            blocked_terms.append(acceptable & ~replaces & ~fifo.writable)
            late_terms.append(selected & late)
            self.sync += If(taken & selected,
                If(late,
                    Display("rtio_analyzer underflow %d " + str(number), counter_mu),
                    # A late DMA entry is the DMA engine's error (it stops the playback).
                    If(~from_dma,
                        underflow.eq(1),
                        self._o_underflow_timestamp.status.eq(timestamp),
                        self._o_underflow_channel.status.eq(error_channel),
                    ),
                ).Elif(out_of_order,
                    sequence_error.eq(1),
                    self._o_error_channel.status.eq(error_channel),
                ).Elif(same_cycle & ~replaces,
                    collision.eq(1),
                    self._o_error_channel.status.eq(error_channel),
                ).Elif(~fifo.writable & ~replaces,
                    overflow.eq(1),
                ).Else(
                    last.eq(timestamp),
                    has_last.eq(1),
                    Display("rtio_analyzer output %d %d " + str(number) + " %d", counter_mu,
                            timestamp, value),
                ),
            )
            head_cycle = Signal(64 - fine)
            due = Signal()
            self.comb += [
                head_cycle.eq(fifo.dout[fine:64]),
                due.eq(fifo.readable & (head_cycle <= counter)),
                fifo.re.eq(due),
            ]
            queue_heads.append((fifo.readable, head_cycle))
            return due, fifo.dout[64:64 + width], fifo.dout[:fine]

        def log_edge(ch, changes, level, edge_mu):
            if log_edges:
                self.sync += If(changes, Display("rtio %d " + str(ch) + " %d", edge_mu, level))

        def ttl_level(ch, pin):
            """`pin`, a TTL level set by the events of channel `ch` (each logged as an edge at its
            machine unit when it changes the level); returns (due, the fine position of the last
            edge), `due` in the cycle an event plays."""
            due, head, head_fine = event_queue(ch, 1)
            head_value = Signal()  # whole Signals: Display() cannot print slices
            edge_fine = Signal(fine)
            edge_mu = Signal(64)
            self.comb += [
                head_value.eq(head),
                edge_mu.eq(Cat(head_fine, counter[:64 - fine])),
            ]
            self.sync += If(due, pin.eq(head_value), edge_fine.eq(head_fine))
            log_edge(ch, due & (pin != head_value), head_value, edge_mu)
            return due, edge_fine

        for ch, pin in enumerate(outputs):
            _, edge_fine = ttl_level(ch, pin)
            fines.append(edge_fine)

        ftw_bits = contract.CLOCK_GENERATOR_FTW_BITS
        clocks_running = []
        for i, pin in enumerate(clock_generators):
            ch = n_out + i
            due, ftw_new, _ = event_queue(ch, ftw_bits)
            ftw = Signal(ftw_bits)
            phase = Signal(ftw_bits)
            next_phase = Signal(ftw_bits)
            level = Signal()
            self.comb += [
                # A new word takes precedence over the running increment, as ARTIQ's ClockGen.
                If(due,
                    next_phase.eq(Mux(ftw_new != 0, 1 << (ftw_bits - 1), 0)),
                ).Else(
                    next_phase.eq(phase + ftw),
                ),
                level.eq(next_phase[-1]),
            ]
            self.sync += [
                If(due, ftw.eq(ftw_new)),
                phase.eq(next_phase),
                pin.eq(level),
            ]
            clocks_running.append(ftw != 0)
            log_edge(ch, pin != level, level, counter_mu)

        # TTL input-output channels, as ARTIQ's TTLInOut: one RTIO channel with four addresses,
        # each an event queue: the output level (the channel itself), output enable,
        # sensitivity (bit 0: rising edges, bit 1: falling edges; 0: the gate is closed; so gate
        # windows are on the timeline) and sample requests (at their bases + the channel). Events
        # of two addresses that play in the same coarse cycle collide (both act; the collision is
        # flagged, as ARTIQ's output network flags it).
        inout_channels = []  # per input-output channel: (channel, pin its input sees, its fine
        #                      edge position, sensitivity, sample due)
        for k, wired in enumerate(inouts):
            ch = first_inout + k
            # The channel's output register, as its events set it (ARTIQ's analyzer shows them
            # whether or not the output is enabled).
            level = Signal()
            level_due, own_fine = ttl_level(ch, level)
            oe_due, oe_head, _ = event_queue(contract.OUTPUT_ENABLE_CHANNEL_BASE + ch, 1, ch)
            sensitivity_due, sensitivity_head, _ = event_queue(
                contract.INPUT_SENSITIVITY_CHANNEL_BASE + ch, 2, ch)
            sample_due, sample_head, _ = event_queue(contract.INPUT_SAMPLE_CHANNEL_BASE + ch, 2, ch)
            output_enable = Signal()
            sensitivity = Signal(2)
            self.sync += [
                If(oe_due, output_enable.eq(oe_head)),
                # A sample request sets the sensitivity too (its value; a watch: the edge that
                # would end it), as ARTIQ's.
                If(sensitivity_due, sensitivity.eq(sensitivity_head),
                ).Elif(sample_due, sensitivity.eq(sample_head)),
            ]
            dues = [level_due, oe_due, sensitivity_due, sample_due]
            two_due = 0
            for i, first in enumerate(dues):
                for second in dues[i + 1:]:
                    two_due = two_due | (first & second)
            self.sync += If(two_due,
                collision.eq(1),
                self._o_error_channel.status.eq(ch),
            )
            if isinstance(wired, int):
                wired_pin, wired_fine = outputs[wired], fines[wired]
            else:
                wired_pin, wired_fine = wired, Signal(fine)
            pin = Signal()
            pin_fine = Signal(fine)
            self.comb += [
                pin.eq(Mux(output_enable, level, wired_pin)),
                pin_fine.eq(Mux(output_enable, own_fine, wired_fine)),
            ]
            inout_channels.append((ch, pin, pin_fine, sensitivity, sample_due))

        # The log channel: rtio_log text for the analyzer, never refused, driving nothing.
        self.sync += If(taken & (channel == contract.LOG_CHANNEL),
            Display("rtio_analyzer output %d %d " + str(contract.LOG_CHANNEL) + " %d", counter_mu,
                    timestamp, value))

        for term in busy_terms:
            busy = busy | term
        any_blocked = 0
        for term in blocked_terms:
            any_blocked = any_blocked | term
        any_late = 0
        for term in late_terms:
            any_late = any_late | term
        self.comb += [blocked.eq(any_blocked), late_offered.eq(offered & any_late)]
        self.sync += If(self._o_status_clear.re,
                        underflow.eq(0), sequence_error.eq(0), overflow.eq(0), collision.eq(0))
        self.comb += [
            self._o_status.status[contract.OUTPUT_STATUS_BUSY].eq(busy),
            self._o_status.status[contract.OUTPUT_STATUS_UNDERFLOW].eq(underflow),
            self._o_status.status[contract.OUTPUT_STATUS_SEQUENCE_ERROR].eq(sequence_error),
            self._o_status.status[contract.OUTPUT_STATUS_OVERFLOW].eq(overflow),
            self._o_status.status[contract.OUTPUT_STATUS_COLLISION].eq(collision),
        ]

        # In the simulation the counter keeps up with the host's clock (`catch_up_to`, coarse
        # cycles) while the CPU only waits (`may_catch_up`, soc.Waiting): it jumps there, but
        # never past the cycle before the next queued event, and not while a clock generator runs
        # or DMA plays (they act every cycle). A real device's counter keeps running while its
        # host works between kernels; the simulation's runs slower than the host's clock, which
        # kernels would otherwise see (and a replay would wait for in simulated time).
        self.catch_up_to = Signal(64)
        self.may_catch_up = Signal()
        acting = self._dma_status.status[contract.DMA_STATUS_BUSY]
        for running in clocks_running:
            acting = acting | running
        limit = self.catch_up_to
        for readable, head_cycle in queue_heads:
            before_head = Signal(64)
            bounded = Signal(64)
            self.comb += [
                before_head.eq(head_cycle - 1),
                bounded.eq(Mux(readable & (before_head < limit), before_head, limit)),
            ]
            limit = bounded
        self.sync += If(self.may_catch_up & ~acting & (limit > counter), counter.eq(limit))

        # Inputs: the edges each input is sensitive to, and the samples asked for, timestamped, with
        # the level after the edge (or the level sampled) in i_data.
        self._i_status = CSRStatus(2)
        self._i_timestamp = CSRStatus(64)
        self._i_data = CSRStatus(1)
        self._i_re = CSR()
        self._i_overflow_clear = CSR()
        in_overflow = Signal()
        ready_selected = Signal()
        for ch, pin, edge_fine, sensitivity, sample_due in inout_channels:
            for _ in range(input_delay):
                later_pin, later_fine = Signal(), Signal(fine)
                self.sync += [later_pin.eq(pin), later_fine.eq(edge_fine)]
                pin, edge_fine = later_pin, later_fine
            fifo = SyncFIFO(64 + 1, fifo_depth)
            self.submodules += fifo
            previous = Signal()
            edge = Signal()
            selected = Signal()
            # A sample taken at its cycle waits one cycle when an edge is recorded in it.
            sample_pending = Signal()
            sample_entry = Signal(64 + 1)
            push_sample = Signal()
            # Entries' stamps, 64 bits wide before the level goes above them (a sum is a bit wider).
            sample_stamp = Signal(64)
            edge_stamp = Signal(64)
            self.comb += [
                sample_stamp.eq(counter_mu + contract.INPUT_TIMESTAMP_OFFSET_MU),
                # The edge happened one cycle before we see it in `previous`'s register; its stamp
                # runs the input pipeline's latency behind (as ARTIQ's).
                edge_stamp.eq(((counter_mu - (1 << fine)) | edge_fine)
                              + contract.INPUT_TIMESTAMP_OFFSET_MU),
            ]
            self.sync += [
                previous.eq(pin),
                If(sample_due,
                    sample_pending.eq(1),
                    sample_entry.eq(Cat(sample_stamp, pin)),
                ).Elif(push_sample, sample_pending.eq(0)),
            ]
            self.comb += [
                selected.eq(sel == ch),
                edge.eq((pin & ~previous & sensitivity[0]) | (~pin & previous & sensitivity[1])),
                push_sample.eq(sample_pending & ~edge),
                If(edge,
                    fifo.din.eq(Cat(edge_stamp, pin)),
                ).Else(
                    fifo.din.eq(sample_entry),
                ),
                fifo.we.eq((edge | push_sample) & fifo.writable),
                fifo.re.eq(self._i_re.re & selected),
            ]
            self.sync += If((edge | push_sample) & ~fifo.writable, in_overflow.eq(1))
            head_timestamp = Signal(64)  # whole Signals: Display() cannot print slices
            head_level = Signal()
            self.comb += [head_timestamp.eq(fifo.dout[:64]), head_level.eq(fifo.dout[64])]
            self.sync += If(fifo.re & fifo.readable,
                Display("rtio_analyzer input %d %d " + str(ch) + " %d", counter_mu,
                        head_timestamp, head_level))
            self.comb += If(selected,
                ready_selected.eq(fifo.readable),
                self._i_timestamp.status.eq(fifo.dout[:64]),
                self._i_data.status.eq(fifo.dout[64]),
            )
        self.sync += If(self._i_overflow_clear.re, in_overflow.eq(0))
        self.comb += [
            self._i_status.status[contract.INPUT_STATUS_READY].eq(ready_selected),
            self._i_status.status[contract.INPUT_STATUS_OVERFLOW].eq(in_overflow),
        ]

    def _fast_window(self, taken, counter):
        """The fast event window's bus slave (`self.fast_bus`) and `o_fast_open`: the event a read
        (answered) or a store (unanswered) offers. `taken`: the offered event was queued or refused
        this cycle; `counter`: the RTIO counter (coarse cycles)."""
        bus = self.fast_bus = wishbone.Interface()
        # Closed by the firmware while events must not reach the RTIO core directly (DMA records,
        # a replay): every read offer is answered FAST_ELSEWHERE.
        self._o_fast_open = CSRStorage(1)
        # Cleared by the firmware's kernel tick for one tick before it does long work (the host
        # link): no answer says ROOMY meanwhile (`strobe_abi::RTIO_ROOMY`).
        self._o_fast_room = CSRStorage(1)
        timestamp = Signal(64)
        assert contract.FAST_WINDOW_SIZE == 0x2000 and contract.FAST_EVENT_BASE_OFFSET == 0x1000
        assert contract.FAST_TIMESTAMP_HIGH_OFFSET == 0 and contract.FAST_TIMESTAMP_LOW_OFFSET == 4
        word = Signal(11)  # the word address in the window
        request = Signal()
        is_event = Signal()
        late = Signal()
        roomy = Signal()
        answered = Signal()
        # A read's answer kept for the cycle after it is decided (see the acknowledge below).
        answer = Signal(32)
        answer_ready = Signal()
        unanswered = Signal()
        offering = Signal()
        # The event's timestamp: the stored words, or the high word and the store's low word.
        event_timestamp = Signal(64)
        event_cycle = Signal(64 - contract.FINE_BITS)
        self.comb += [
            word.eq(bus.adr[:11]),
            request.eq(bus.cyc & bus.stb),
            is_event.eq(word[10]),
            event_timestamp.eq(Mux(bus.we, Cat(bus.dat_w, timestamp[32:]), timestamp)),
            event_cycle.eq(event_timestamp[contract.FINE_BITS:]),
            # The event queues' rule, in the same cycle: an event offered by a read is never late.
            late.eq(event_cycle < counter + PIPELINE_LATENCY),
            roomy.eq(self._o_fast_room.storage
                     & (event_cycle >= counter + PIPELINE_LATENCY + contract.FAST_ROOMY_SLACK_CYCLES)),
            answered.eq(request & ~bus.we & ~answer_ready & is_event & self._o_fast_open.storage
                        & ~late),
            # The kernel's roomy flag vouches for an unanswered event's time (the queues still
            # refuse a late one, into the sticky underflow bit and the core log).
            unanswered.eq(request & bus.we & is_event),
            offering.eq(answered | unanswered),
        ]
        offer = _Offer()
        self.comb += [
            offer.valid.eq(offering),
            offer.timestamp.eq(event_timestamp),
            offer.channel.eq(word[:contract.EVENT_CHANNEL_BITS]),
            offer.value.eq(word[contract.EVENT_CHANNEL_BITS:
                                contract.EVENT_CHANNEL_BITS + contract.FAST_VALUE_BITS]),
        ]
        # A store completes in the cycle it is made (a combinational ack: one CPU cycle per store),
        # an unanswered event once taken. A read completes in the cycle its answer is decided (an
        # answered event once taken: a full FIFO holds the access; should the event turn late
        # meanwhile, the offer ends and the answer says so) when the previous cycle's access was to
        # this window too, so the bus decoder's read data is already ours (the kernel's stores of
        # the timestamp precede the read); else the cycle after. Each acknowledged cycle ends one
        # access; the next cycle's request is the next access.
        decided = Signal()
        previous_ours = Signal()
        answer_now = Signal(32)
        self.comb += [
            decided.eq(request & ~bus.we & ~answer_ready & (~offering | taken)),
            answer_now.eq(Mux(answered,
                              Mux(roomy, contract.FAST_TAKEN | contract.FAST_ROOMY,
                                  contract.FAST_TAKEN),
                              contract.FAST_ELSEWHERE)),
            bus.ack.eq(Mux(bus.we, request & (~offering | taken),
                           answer_ready | (decided & previous_ours))),
            bus.dat_r.eq(Mux(answer_ready, answer, answer_now)),
        ]
        self.sync += [
            previous_ours.eq(request),
            answer_ready.eq(decided & ~previous_ours),
            If(decided, answer.eq(answer_now)),
        ]
        self.sync += If(request & bus.we,
            If(word == 0, timestamp[32:].eq(bus.dat_w)),
            If(word == 1, timestamp[:32].eq(bus.dat_w)),
        )
        return offer

    def _dma_engine(self, taken, late):
        """The DMA memory's bus slave (`self.dma_bus`) and the engine that plays its entries: the
        event it offers. `taken`: that event was queued or refused this cycle; `late`: refused as
        late (the playback stops with an underflow)."""
        depth_bits = (DMA_DEPTH - 1).bit_length()
        assert contract.DMA_ENTRY_BYTES == 16  # four words
        memory = Memory(128, DMA_DEPTH)
        write_port = memory.get_port(write_capable=True, we_granularity=32)
        read_port = memory.get_port(has_re=True)
        self.specials += memory, write_port, read_port
        bus = self.dma_bus = wishbone.Interface()
        word = Signal(2)
        write = Signal()
        self.comb += [
            word.eq(bus.adr[:2]),
            write.eq(bus.cyc & bus.stb & bus.we & ~bus.ack),
            write_port.adr.eq(bus.adr[2:2 + depth_bits]),
            write_port.dat_w.eq(Replicate(bus.dat_w, 4)),
            write_port.we.eq(Cat(*(write & (word == i) for i in range(4)))),
            # Read back (the firmware moves traces down when one is cut out): the port's data
            # arrives with the ack, the cycle after the address.
            Case(word, {i: bus.dat_r.eq(write_port.dat_r[32 * i:32 * (i + 1)]) for i in range(4)}),
        ]
        self.sync += [bus.ack.eq(0), If(bus.cyc & bus.stb & ~bus.ack, bus.ack.eq(1))]

        self._dma_base = CSRStorage(64)
        self._dma_first = CSRStorage(depth_bits)
        self._dma_count = CSRStorage(depth_bits + 1)
        self._dma_start = CSR()
        self._dma_status = CSRStatus(2)
        self._dma_error_clear = CSR()
        self._dma_error_timestamp = CSRStatus(64)
        self._dma_error_channel = CSRStatus(contract.EVENT_CHANNEL_BITS)
        index = Signal(depth_bits)
        remaining = Signal(depth_bits + 1)
        running = Signal()
        holding = Signal()  # the read port holds an entry not yet taken
        underflow = Signal()
        advance = Signal()
        self.comb += [
            advance.eq(running & (~holding | taken)),
            read_port.adr.eq(index),
            read_port.re.eq(advance),
        ]
        offer = _Offer()
        entry = read_port.dat_r
        self.comb += [
            offer.valid.eq(running & holding),
            offer.timestamp.eq(self._dma_base.storage + entry[:64]),
            offer.channel.eq(entry[64:64 + contract.EVENT_CHANNEL_BITS]),
            offer.value.eq(entry[96:128]),
        ]
        self.sync += [
            If(self._dma_start.re,
                index.eq(self._dma_first.storage),
                remaining.eq(self._dma_count.storage),
                running.eq(1),
                holding.eq(0),
            ).Elif(taken & late,
                # As ARTIQ's: the first late entry ends the playback with an underflow.
                underflow.eq(1),
                self._dma_error_timestamp.status.eq(offer.timestamp),
                self._dma_error_channel.status.eq(offer.channel),
                running.eq(0),
                holding.eq(0),
            ).Elif(advance,
                If(remaining != 0,
                    index.eq(index + 1),
                    remaining.eq(remaining - 1),
                    holding.eq(1),
                ).Else(
                    running.eq(0),
                    holding.eq(0),
                ),
            ),
            If(self._dma_error_clear.re, underflow.eq(0)),
        ]
        self.comb += [
            self._dma_status.status[contract.DMA_STATUS_BUSY].eq(running),
            self._dma_status.status[contract.DMA_STATUS_UNDERFLOW].eq(underflow),
        ]
        return offer


class _Offer:
    """An event a source offers to the event queues."""

    def __init__(self):
        self.valid = Signal()
        self.timestamp = Signal(64)
        self.channel = Signal(contract.EVENT_CHANNEL_BITS)
        self.value = Signal(contract.EVENT_VALUE_BITS)

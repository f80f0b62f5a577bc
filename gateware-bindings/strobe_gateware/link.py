"""The host link: the simulation's byte streams (our `strobe_uart` module, one byte per cycle each
way) behind a bus window of word-wide FIFOs, with a CRC-32 unit on each side, so the firmware moves
a frame's body four bytes per bus access and never computes its checksum in software.

Window (uncached; offsets and the CRC's parameters in ``contract.LINK_*``, generated from the kernel
ABI crate):
  rx_word, rx_byte            read: the next four bytes (little-endian; only while rx_level >= 4) or
                              the next byte, taken from the receive FIFO.
  rx_word_crc, rx_byte_crc    the same, and the bytes go through the receive CRC.
  rx_level                    read: bytes waiting in the receive FIFO.
  rx_crc                      read: the receive CRC (finished: inverted); write: restart it.
  rx_crc_feed                 write: one byte (bits 0-7) through the receive CRC.
  tx_word, tx_byte            write: four bytes (little-endian) or one byte to send.
  tx_word_crc, tx_byte_crc    the same, and the bytes go through the send CRC.
  tx_space                    read: writes the send FIFO takes now (each write is one entry).
  tx_crc                      read: the send CRC (finished); write: restart it.

The CRC is CRC-32 as Ethernet's and zlib's (reflected polynomial 0xEDB88320, start and final xor
0xFFFFFFFF): the protocol's frame checksum. The receive FIFO is four byte lanes filled in turn, so a
word read takes one byte from each lane, starting at the lane the next byte is in.
"""

from functools import reduce
from operator import xor

from migen import Module, Signal, If, Cat, Case, Array, Mux
from migen.genlib.fifo import SyncFIFO
from litex.soc.interconnect import wishbone

from . import contract

CRC_POLY_REFLECTED = 0xEDB88320


def _crc_matrix(data_bits):
    """For each bit of the next CRC state: the state bits and data bits it is the xor of."""
    def step(state, data):
        for i in range(data_bits):
            bit = (state ^ (data >> i)) & 1
            state = (state >> 1) ^ (CRC_POLY_REFLECTED if bit else 0)
        return state
    rows = []
    for out_bit in range(32):
        state_bits = [j for j in range(32) if (step(1 << j, 0) >> out_bit) & 1]
        data_bits_used = [k for k in range(data_bits) if (step(0, 1 << k) >> out_bit) & 1]
        rows.append((state_bits, data_bits_used))
    return rows


def _crc_next(state, data, data_bits):
    """The CRC state after `data_bits` bits of `data` (lsb first), as combinational logic."""
    return Cat(*(reduce(xor, [state[j] for j in s] + [data[k] for k in d])
                 for s, d in _crc_matrix(data_bits)))


class _Crc(Module):
    """A CRC-32 register: restart, or take one byte or one word per cycle."""
    def __init__(self):
        self.restart = Signal()
        self.byte = Signal()
        self.word = Signal()
        self.data = Signal(32)
        self.value = Signal(32)  # finished
        state = Signal(32, reset=0xFFFFFFFF)
        self.comb += self.value.eq(~state)
        self.sync += [
            If(self.restart, state.eq(0xFFFFFFFF))
            .Elif(self.word, state.eq(_crc_next(state, self.data, 32)))
            .Elif(self.byte, state.eq(_crc_next(state, self.data, 8))),
        ]


class Link(Module):
    def __init__(self, pads, rx_depth=1024, tx_depth=512):
        assert contract.LINK_CRC_POLY_REFLECTED == CRC_POLY_REFLECTED
        bus = self.bus = wishbone.Interface()
        self.submodules.rx_crc = rx_crc = _Crc()
        self.submodules.tx_crc = tx_crc = _Crc()

        # Receive: four byte lanes, filled in turn.
        lanes = [SyncFIFO(8, rx_depth // 4) for _ in range(4)]
        self.submodules += lanes
        write_lane = Signal(2)
        read_lane = Signal(2)
        rx_level = Signal(max=rx_depth + 1)
        pushed = Signal()
        popped = Signal(3)
        self.comb += [
            pads.sink_ready.eq(Array(f.writable for f in lanes)[write_lane]),
            pushed.eq(pads.sink_valid & pads.sink_ready),
        ]
        for i, f in enumerate(lanes):
            self.comb += [f.din.eq(pads.sink_data), f.we.eq(pushed & (write_lane == i))]
        self.sync += [
            If(pushed, write_lane.eq(write_lane + 1)),
            rx_level.eq(rx_level + pushed - popped),
        ]
        # The next four bytes, from the lane the next byte is in.
        rotated = [Signal(8) for _ in range(4)]
        douts = Array(f.dout for f in lanes)
        for k in range(4):
            self.comb += rotated[k].eq(douts[(read_lane + k)[:2]])
        next_word = Cat(*rotated)

        # Send: entries of up to four bytes, shifted out a byte per cycle.
        tx = SyncFIFO(32 + 3, tx_depth)
        self.submodules += tx
        shift = Signal(32)
        left = Signal(3)
        tx_count = Signal(max=tx_depth + 1)
        self.comb += [
            pads.source_valid.eq(left != 0),
            pads.source_data.eq(shift[:8]),
            tx.re.eq((left == 0) | ((left == 1) & pads.source_ready)),
        ]
        self.sync += [
            If(tx.re & tx.readable,
                shift.eq(tx.dout[:32]), left.eq(tx.dout[32:]))
            .Elif((left != 0) & pads.source_ready,
                shift.eq(shift[8:]), left.eq(left - 1)),
        ]

        # The bus: each access completes the cycle after its request.
        words = {name: offset // 4 for name, offset in contract.LINK_OFFSETS.items()}
        word = Signal(6)
        request = Signal()
        reading = Signal()
        writing = Signal()
        self.comb += [
            word.eq(bus.adr[:6]),
            request.eq(bus.cyc & bus.stb & ~bus.ack),
            reading.eq(request & ~bus.we),
            writing.eq(request & bus.we),
        ]
        read_value = Signal(32)
        take_word = Signal()
        take_byte = Signal()
        self.comb += [
            take_word.eq(reading & ((word == words["rx_word"]) | (word == words["rx_word_crc"]))),
            take_byte.eq(reading & ((word == words["rx_byte"]) | (word == words["rx_byte_crc"]))),
            popped.eq(Mux(take_word, 4, Mux(take_byte, 1, 0))),
            Case(word, {
                words["rx_word"]: read_value.eq(next_word),
                words["rx_word_crc"]: read_value.eq(next_word),
                words["rx_byte"]: read_value.eq(rotated[0]),
                words["rx_byte_crc"]: read_value.eq(rotated[0]),
                words["rx_level"]: read_value.eq(rx_level),
                words["rx_crc"]: read_value.eq(rx_crc.value),
                words["tx_space"]: read_value.eq(tx_depth - tx_count),
                words["tx_crc"]: read_value.eq(tx_crc.value),
                "default": read_value.eq(0),
            }),
            rx_crc.data.eq(Mux(writing, bus.dat_w, next_word)),
            rx_crc.word.eq(reading & (word == words["rx_word_crc"])),
            rx_crc.byte.eq((reading & (word == words["rx_byte_crc"]))
                           | (writing & (word == words["rx_crc_feed"]))),
            rx_crc.restart.eq(writing & (word == words["rx_crc"])),
            tx_crc.data.eq(bus.dat_w),
            tx_crc.word.eq(writing & (word == words["tx_word_crc"])),
            tx_crc.byte.eq(writing & (word == words["tx_byte_crc"])),
            tx_crc.restart.eq(writing & (word == words["tx_crc"])),
        ]
        for i, f in enumerate(lanes):
            first = Signal()
            self.comb += [
                first.eq(read_lane == i),
                f.re.eq(take_word | (take_byte & first)),
            ]
        tx_word = writing & ((word == words["tx_word"]) | (word == words["tx_word_crc"]))
        tx_byte = writing & ((word == words["tx_byte"]) | (word == words["tx_byte_crc"]))
        self.comb += [
            tx.we.eq(tx_word | tx_byte),
            tx.din.eq(Cat(Mux(tx_word, bus.dat_w, bus.dat_w[:8]), Mux(tx_word, 4, 1))),
        ]
        self.sync += [
            If(take_byte, read_lane.eq(read_lane + 1)),
            tx_count.eq(tx_count + tx.we - (tx.re & tx.readable)),
            bus.ack.eq(request),
            If(reading, bus.dat_r.eq(read_value)),
        ]
        self.rx_level = rx_level

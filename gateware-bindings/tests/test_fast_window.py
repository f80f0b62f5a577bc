"""The RTIO core's fast event window (`strobe_gateware.rtio`, `strobe_abi::rtio::fast`) on a bus like
the SoC's: LiteX's decoder picks read data by the slave the previous cycle addressed, so the window
must answer a read no earlier than the cycle after it (an answer given in the read's first cycle
came from the previous slave: a DMA recording lost events at some code placements). Also each
answer: taken, taken with room (unless the firmware lets no answer say so), elsewhere when late or
closed; and a store's unanswered offer."""

import unittest

from migen import Module, Signal
from migen.sim import run_simulation
from litex.soc.interconnect import wishbone

from strobe_gateware import contract
from strobe_gateware.rtio import RTIO, PIPELINE_LATENCY

WINDOW = 0x0000  # word addresses on the test bus: the window, then another slave
OTHER = 0x1000
HIGH = contract.FAST_TIMESTAMP_HIGH_OFFSET // 4
LOW = contract.FAST_TIMESTAMP_LOW_OFFSET // 4


def event_word(channel, value):
    slot = (value << contract.EVENT_CHANNEL_BITS) | channel
    return WINDOW + contract.FAST_EVENT_BASE_OFFSET // 4 + slot


class Bench(Module):
    def __init__(self):
        self.submodules.rtio = RTIO([Signal(name="ttl0")], [], log_edges=False)
        # Whatever the other slave holds (a zero: TAKEN) is what a misrouted answer would read.
        self.submodules.other = wishbone.SRAM(256, init=[0] * 64)
        self.master = wishbone.Interface()
        self.submodules.decoder = wishbone.Decoder(self.master, [
            (lambda a: a[12:] == WINDOW >> 12, self.rtio.fast_bus),
            (lambda a: a[12:] == OTHER >> 12, self.other.bus),
        ], register=True)


def run(bench, process):
    results = []
    run_simulation(bench, process(bench, results))
    return results


def offer(bench, cycles_ahead, channel=0, value=1):
    """Stores the timestamp `cycles_ahead` coarse cycles past the counter, then reads the answer."""
    counter = yield bench.rtio.counter_value
    timestamp = (counter + cycles_ahead) << contract.FINE_BITS
    yield from bench.master.write(WINDOW + HIGH, timestamp >> 32)
    yield from bench.master.write(WINDOW + LOW, timestamp & 0xffff_ffff)
    return (yield from bench.master.read(event_word(channel, value)))


class FastWindowTest(unittest.TestCase):
    def test_answers_after_another_slaves_access(self):
        def process(bench, results):
            yield bench.rtio._o_fast_open.storage.eq(0)
            yield
            for _ in range(3):
                counter = yield bench.rtio.counter_value
                timestamp = (counter + 1000) << contract.FINE_BITS
                yield from bench.master.write(WINDOW + HIGH, timestamp >> 32)
                yield from bench.master.write(WINDOW + LOW, timestamp & 0xffff_ffff)
                yield from bench.master.read(OTHER)
                results.append((yield from bench.master.read(event_word(0, 1))))
        self.assertEqual(run(Bench(), process), [contract.FAST_ELSEWHERE] * 3)

    def test_each_answer(self):
        def process(bench, results):
            yield bench.rtio._o_fast_open.storage.eq(1)
            yield bench.rtio._o_fast_room.storage.eq(1)
            for _ in range(50):  # room for a timestamp in the past
                yield
            results.append((yield from offer(bench, 100)))
            results.append((yield from offer(bench, contract.FAST_ROOMY_SLACK_CYCLES + 100, value=0)))
            results.append((yield from offer(bench, -10)))
            yield bench.rtio._o_fast_room.storage.eq(0)
            yield
            results.append((yield from offer(bench, contract.FAST_ROOMY_SLACK_CYCLES + 200)))
            yield bench.rtio._o_fast_open.storage.eq(0)
            yield
            results.append((yield from offer(bench, 10000)))
        self.assertEqual(run(Bench(), process), [
            contract.FAST_TAKEN,
            contract.FAST_TAKEN | contract.FAST_ROOMY,
            contract.FAST_ELSEWHERE,
            contract.FAST_TAKEN,  # room, but the firmware lets no answer say so
            contract.FAST_ELSEWHERE,
        ])

    def test_a_store_offers_an_event_unanswered(self):
        def process(bench, results):
            counter = yield bench.rtio.counter_value
            timestamp = (counter + PIPELINE_LATENCY + 100) << contract.FINE_BITS
            yield from bench.master.write(WINDOW + HIGH, timestamp >> 32)
            yield from bench.master.write(event_word(0, 1), timestamp & 0xffff_ffff)
            for _ in range(3):
                yield
            results.append((yield bench.rtio._o_status.status))
        busy = 1 << contract.OUTPUT_STATUS_BUSY
        self.assertEqual(run(Bench(), process), [busy])


if __name__ == "__main__":
    unittest.main()

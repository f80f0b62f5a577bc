"""The simulated RTIO counter keeps up with the host's clock while the CPU only waits
(`strobe_gateware.rtio`, `soc.Waiting`): it jumps to the host's clock, stops short of the next
queued event (which then plays at its exact cycle), and does not move ahead while a clock generator
runs or while the CPU is not waiting."""

import unittest

from migen import Module, Signal

from strobe_gateware import contract
from strobe_gateware.rtio import RTIO

import rtio_bench

FAR = 1_000_000  # the host's clock, in coarse cycles: far ahead of the simulation's


class Bench(Module):
    def __init__(self):
        self.ttl0 = Signal(name="ttl0")
        self.clock = Signal(name="clkgen0")
        self.submodules.rtio = RTIO([self.ttl0], [], [self.clock], log_edges=False)


def run(process):
    return rtio_bench.run(Bench(), process)


def write_event(bench, channel, cycle, value):
    """One event at the start of coarse cycle `cycle`."""
    return rtio_bench.write_event(bench, channel, cycle << contract.FINE_BITS, value)


def counter(bench):
    return (yield bench.rtio.counter_value)


class CatchUpTest(unittest.TestCase):
    def test_only_while_waiting(self):
        def process(bench, results):
            yield bench.rtio.catch_up_to.eq(FAR)
            yield
            yield
            results.append((yield from counter(bench)) < 10)
            yield bench.rtio.may_catch_up.eq(1)
            yield
            yield
            results.append(FAR <= (yield from counter(bench)) <= FAR + 2)
        self.assertEqual(run(process), [True, True])

    def test_stops_short_of_the_next_event_which_plays_at_its_cycle(self):
        def process(bench, results):
            yield from write_event(bench, 0, 5000, 1)
            yield bench.rtio.catch_up_to.eq(FAR)
            yield bench.rtio.may_catch_up.eq(1)
            rose_at = None
            for _ in range(20):
                if rose_at is None and (yield bench.ttl0):
                    rose_at = (yield from counter(bench))
                yield
            results.append(rose_at)
            results.append((yield from counter(bench)) > FAR)
        # The pin follows the event a cycle after it plays (as without the catch-up).
        self.assertEqual(run(process), [5001, True])

    def test_not_while_a_clock_generator_runs(self):
        def process(bench, results):
            start = (yield from counter(bench))
            yield from write_event(bench, 1, start + 10, 1 << 20)  # the clock generator, channel 1
            yield bench.rtio.catch_up_to.eq(FAR)
            yield bench.rtio.may_catch_up.eq(1)
            for _ in range(40):
                yield
            results.append((yield from counter(bench)) < 100)
            yield from write_event(bench, 1, (yield from counter(bench)) + 10, 0)  # stopped
            for _ in range(20):
                yield
            results.append((yield from counter(bench)) > FAR)
        self.assertEqual(run(process), [True, True])


if __name__ == "__main__":
    unittest.main()

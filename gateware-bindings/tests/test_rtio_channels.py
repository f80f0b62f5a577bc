"""The RTIO core's channels (`strobe_gateware.rtio`, `strobe_abi::rtio`): a TTL input-output
channel's four addresses (output level, output enable, sensitivity, sample), ARTIQ's collision rule
(two events of one channel playing in one coarse cycle) and its replacement (a second event at
exactly the same time and address takes the first one's place), and what the channel's input sees
(what is wired to its pin, or its own output while that is enabled)."""

import unittest

from migen import Module, Signal

from strobe_gateware import contract
from strobe_gateware.rtio import RTIO

from rtio_bench import write_event
import rtio_bench

OUT = 0  # the TTL output wired to the input-output channel's pin
INOUT = 1  # the input-output channel
COLLISION = 1 << contract.OUTPUT_STATUS_COLLISION
SEQUENCE_ERROR = 1 << contract.OUTPUT_STATUS_SEQUENCE_ERROR
ERRORS = COLLISION | SEQUENCE_ERROR | (1 << contract.OUTPUT_STATUS_UNDERFLOW)


class Bench(Module):
    def __init__(self):
        self.ttl0 = Signal(name="ttl0")
        self.submodules.rtio = RTIO([self.ttl0], [OUT], log_edges=False)


def run(process):
    return rtio_bench.run(Bench(), process)


def at(bench, cycles_ahead, fine=0):
    """A timestamp `cycles_ahead` coarse cycles past the counter, plus `fine` machine units."""
    counter = yield bench.rtio.counter_value
    return ((counter + cycles_ahead) << contract.FINE_BITS) + fine


def status(bench):
    return (yield bench.rtio._o_status.status) & ERRORS


def wait(cycles):
    for _ in range(cycles):
        yield


def next_input(bench):
    """The level of the input-output channel's next input entry, or None."""
    yield bench.rtio._chan_sel.storage.eq(INOUT)
    yield
    if not (yield bench.rtio._i_status.status) & (1 << contract.INPUT_STATUS_READY):
        return None
    level = yield bench.rtio._i_data.status
    yield bench.rtio._i_re.re.eq(1)
    yield
    yield bench.rtio._i_re.re.eq(0)
    yield
    return level


class ChannelTest(unittest.TestCase):
    def test_two_addresses_in_one_cycle_collide_when_they_play(self):
        def process(bench, results):
            t = yield from at(bench, 50)
            yield from write_event(bench, contract.OUTPUT_ENABLE_CHANNEL_BASE + INOUT, t, 0)
            yield from write_event(bench, INOUT, t, 1)
            results.append((yield from status(bench)))  # both taken: nothing refused yet
            yield from wait(60)
            results.append((yield from status(bench)))
            results.append((yield bench.rtio._o_error_channel.status))
        self.assertEqual(run(process), [0, COLLISION, INOUT])

    def test_events_a_cycle_apart_do_not_collide(self):
        def process(bench, results):
            t = yield from at(bench, 50)
            yield from write_event(bench, contract.OUTPUT_ENABLE_CHANNEL_BASE + INOUT, t, 0)
            yield from write_event(bench, INOUT, t + (1 << contract.FINE_BITS), 1)
            yield from write_event(bench, contract.INPUT_SAMPLE_CHANNEL_BASE + INOUT,
                                   t + (2 << contract.FINE_BITS), 0)
            yield from wait(60)
            results.append((yield from status(bench)))
        self.assertEqual(run(process), [0])

    def test_the_same_address_and_time_replaces(self):
        def process(bench, results):
            t = yield from at(bench, 50)
            yield from write_event(bench, OUT, t, 1)
            yield from write_event(bench, OUT, t, 0)
            results.append((yield from status(bench)))
            rose = False
            for _ in range(60):
                rose |= bool((yield bench.ttl0))
                yield
            results.append(rose)
        self.assertEqual(run(process), [0, False])

    def test_the_same_address_at_another_fine_time_collides(self):
        def process(bench, results):
            t = yield from at(bench, 50)
            yield from write_event(bench, OUT, t, 1)
            yield from write_event(bench, OUT, t + 1, 0)
            results.append((yield from status(bench)))
            results.append((yield bench.rtio._o_error_channel.status))
            high = 0
            for _ in range(60):
                high += (yield bench.ttl0)
                yield
            results.append(high > 0)  # the first event played, the second was refused
        self.assertEqual(run(process), [COLLISION, OUT, True])

    def test_an_address_s_error_names_its_channel(self):
        def process(bench, results):
            t = yield from at(bench, 50)
            sensitivity = contract.INPUT_SENSITIVITY_CHANNEL_BASE + INOUT
            yield from write_event(bench, sensitivity, t, 1)
            yield from write_event(bench, sensitivity, t - (5 << contract.FINE_BITS), 0)
            results.append((yield from status(bench)))
            results.append((yield bench.rtio._o_error_channel.status))
        self.assertEqual(run(process), [SEQUENCE_ERROR, INOUT])

    def test_the_input_sees_the_wired_pin_or_its_own_output(self):
        sample = contract.INPUT_SAMPLE_CHANNEL_BASE + INOUT

        def process(bench, results):
            t = yield from at(bench, 20)
            step = 10 << contract.FINE_BITS
            yield from write_event(bench, OUT, t, 1)  # the wired pin high
            yield from write_event(bench, sample, t + step, 0)
            # Output enabled, its own level low: the input sees low though the wired pin is high.
            yield from write_event(bench, contract.OUTPUT_ENABLE_CHANNEL_BASE + INOUT,
                                   t + 2 * step, 1)
            yield from write_event(bench, sample, t + 3 * step, 0)
            yield from write_event(bench, INOUT, t + 4 * step, 1)
            yield from write_event(bench, sample, t + 5 * step, 0)
            yield from wait(80)
            for _ in range(4):
                results.append((yield from next_input(bench)))
            results.append((yield from status(bench)))
        self.assertEqual(run(process), [1, 0, 1, None, 0])

    def test_a_sample_sets_the_sensitivity(self):
        sample = contract.INPUT_SAMPLE_CHANNEL_BASE + INOUT

        def process(bench, results):
            t = yield from at(bench, 20)
            step = 10 << contract.FINE_BITS
            # A watch for a rising edge: the sample (low), then the edge is recorded (high).
            yield from write_event(bench, sample, t, 1)
            yield from write_event(bench, OUT, t + step, 1)
            # A plain sample closes the gate: the next edge is not recorded.
            yield from write_event(bench, sample, t + 2 * step, 0)
            yield from write_event(bench, OUT, t + 3 * step, 0)
            yield from wait(80)
            for _ in range(4):
                results.append((yield from next_input(bench)))
        self.assertEqual(run(process), [0, 1, 1, None])


if __name__ == "__main__":
    unittest.main()

"""What the RTIO core's Migen tests share: running a bench, and events written through the o_event
register."""

from migen.sim import run_simulation


def run(bench, process):
    """Runs `process(bench, results)` on `bench`; the results it appended."""
    results = []
    run_simulation(bench, process(bench, results))
    return results


def write_event(bench, channel, timestamp, value):
    """One event through `bench.rtio`'s o_event register (taken in the cycle it is written)."""
    event = bench.rtio._o_event
    yield event.storage.eq(timestamp | channel << 64 | value << 96)
    yield event.re.eq(1)
    yield
    yield event.re.eq(0)
    yield

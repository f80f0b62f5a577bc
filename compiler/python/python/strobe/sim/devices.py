"""Simulated devices for kernels run on the host: a core that calls kernels, TTL-like outputs and
inputs that record their actions on the simulated timeline (inputs make up their counts and
timestamps from a seeded random source)."""

from random import Random

from ..language import delay, delay_mu, kernel
from . import time


class Core:
    """Runs kernels by calling them on the host; prints the timeline after each outermost call."""

    ref_period = 1
    coarse_ref_period = 1

    def __init__(self, dmgr=None, **_):
        self._depth = 0

    def run(self, function, args, kwargs):
        self._depth += 1
        try:
            return function(*args, **kwargs)
        finally:
            self._depth -= 1
            if self._depth == 0:
                print(time.manager.format_timeline(), end="")
                time.manager.timeline.clear()

    def seconds_to_mu(self, seconds):
        return int(seconds // self.ref_period)

    def mu_to_seconds(self, mu):
        return mu * self.ref_period

    def reset(self):
        pass

    def break_realtime(self):
        pass

    def wait_until_mu(self, cursor_mu):
        pass

    def get_rtio_counter_mu(self):
        return time.manager.get_time_mu()


class Output:
    """A TTL-like output: records each change."""

    def __init__(self, dmgr, name="output", **_):
        self.core = dmgr.get("core")
        self.name = name

    @kernel
    def set_o(self, value):
        time.manager.event(("set", self.name, value))

    @kernel
    def on(self):
        self.set_o(True)

    @kernel
    def off(self):
        self.set_o(False)

    @kernel
    def pulse(self, duration):
        time.manager.event(("pulse", self.name, duration))
        delay(duration)

    @kernel
    def pulse_mu(self, duration):
        time.manager.event(("pulse", self.name, duration))
        delay_mu(duration)


class Input:
    """A TTL-like input: gates are recorded, counts and timestamps made up (seeded)."""

    def __init__(self, dmgr, name="input", seed=0, **_):
        self.core = dmgr.get("core")
        self.name = name
        self.prng = Random(seed)

    @kernel
    def gate_rising(self, duration):
        time.manager.event(("gate_rising", self.name, duration))
        delay(duration)

    @kernel
    def gate_falling(self, duration):
        time.manager.event(("gate_falling", self.name, duration))
        delay(duration)

    @kernel
    def gate_both(self, duration):
        time.manager.event(("gate_both", self.name, duration))
        delay(duration)

    @kernel
    def count(self, up_to_timestamp_mu):
        result = self.prng.randrange(0, 100)
        time.manager.event(("count", self.name, result))
        return result

    @kernel
    def timestamp_mu(self, up_to_timestamp_mu):
        result = time.manager.get_time_mu() + self.prng.randrange(100, 1000)
        time.manager.event(("timestamp_mu", self.name, result))
        return result

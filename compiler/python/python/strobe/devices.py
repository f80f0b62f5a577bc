"""Host-side device drivers: what ``device_db.py`` entries make.

Their kernel-side code is the kernel-language drivers compiled into every core-device program
(`TTLOut`, `TTLInOut`, `Core`); a host object tells the embedding which of those classes it is and
with which constructor arguments (``kernel_class`` and ``kernel_arguments()``).
"""

import math


class Core:
    """The core device. ``ref_period`` is the length of one machine unit in seconds (8 ns: the
    simulated device's 125 MHz RTIO clock). Kernels run through :meth:`run`, which the ``@kernel``
    decorator calls."""

    kernel_class = "Core"
    kernel_invariants = {"ref_period"}

    def __init__(self, dmgr, ref_period=8e-9, device=None):
        self.ref_period = float(ref_period)
        # Where the core device is (``tcp:HOST:PORT``, ``serial:PATH``); None: the simulated one.
        self.device = device
        self._runner = None

    def kernel_arguments(self):
        return [self.ref_period]

    def run(self, function, args, kwargs):
        """Compiles `function` for this call's arguments, runs it on the device and returns its result."""
        from . import runtime

        if self._runner is None:
            self._runner = runtime.KernelRunner(self)
        return self._runner.run(function, args, kwargs)

    def close(self):
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def seconds_to_mu(self, seconds):
        """Seconds to machine units, rounded to the nearest (as ``delay()`` does)."""
        mu = seconds / self.ref_period
        return int(math.copysign(math.floor(abs(mu) + 0.5), mu))

    def mu_to_seconds(self, mu):
        return mu * self.ref_period

    def reset(self):
        raise NotImplementedError("`core.reset()` moves the kernel's timeline: call it in a @kernel")

    def break_realtime(self):
        raise NotImplementedError("`core.break_realtime()` moves the kernel's timeline: call it in a @kernel")


class _Channel:
    def __init__(self, dmgr, channel, core_device="core"):
        self.core = dmgr.get(core_device) if dmgr is not None else None
        self.channel = int(channel)

    def kernel_arguments(self):
        return [self.channel]

    def _kernel_only(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} methods act on the core device: call them in a @kernel")


class TTLOut(_Channel):
    """A TTL output channel (``on``, ``off``, ``pulse``, ``pulse_mu``, ``set_o`` in kernels)."""

    kernel_class = "TTLOut"
    on = off = pulse = pulse_mu = set_o = _Channel._kernel_only


class TTLInOut(_Channel):
    """A TTL input channel (``gate_rising``, ``gate_rising_mu``, ``count``, ``timestamp_mu`` in kernels)."""

    kernel_class = "TTLInOut"
    gate_rising = gate_rising_mu = count = timestamp_mu = _Channel._kernel_only


#: The simulated core device: 8 TTL outputs (0-7); inputs 0 and 1 see outputs 0 and 1 (loopback).
SIM_DEVICE_DB = {
    "core": {"type": "local", "module": "strobe.devices", "class": "Core",
             "arguments": {"ref_period": 8e-9}},
    **{f"ttl{i}": {"type": "local", "module": "strobe.devices", "class": "TTLOut",
                   "arguments": {"channel": i}} for i in range(8)},
    **{f"ttl_in{i}": {"type": "local", "module": "strobe.devices", "class": "TTLInOut",
                      "arguments": {"channel": i}} for i in range(2)},
    "led": "ttl0",
}

"""The simulated core device's database, and its drivers under their short names.

The drivers live in :mod:`strobe.coredevice` (one class per device, kernel side included);
``device_db.py`` files may name either module.
"""

from .coredevice.core import Core
from .coredevice.ttl import TTLClockGen, TTLInOut, TTLOut

__all__ = ["Core", "TTLOut", "TTLInOut", "TTLClockGen", "SIM_DEVICE_DB"]

#: The simulated core device: 8 TTL outputs (0-7), a clock generator (channel 8), 3 TTL inputs and
#: outputs (9-11) whose pins are wired to outputs 0 and 1 and to the clock generator (loopback).
SIM_DEVICE_DB = {
    "core": {"type": "local", "module": "strobe.coredevice.core", "class": "Core",
             # host None: this process's own simulated device (as ARTIQ's tools read `host`).
             "arguments": {"host": None, "ref_period": 1e-9}},
    **{f"ttl{i}": {"type": "local", "module": "strobe.coredevice.ttl", "class": "TTLOut",
                   "arguments": {"channel": i}} for i in range(8)},
    **{f"ttl_in{i}": {"type": "local", "module": "strobe.coredevice.ttl", "class": "TTLInOut",
                      "arguments": {"channel": 9 + i}} for i in range(3)},
    "ttl_clkgen0": {"type": "local", "module": "strobe.coredevice.ttl", "class": "TTLClockGen",
                    "arguments": {"channel": 8}},
    "core_dma": {"type": "local", "module": "strobe.coredevice.dma", "class": "CoreDMA"},
    "led": "ttl0",
    # The names ARTIQ's core-device tests use, on the matching simulated channels.
    "led0": "ttl0",
    "loop_out": "ttl0",
    "loop_in": "ttl_in0",
    "ttl_out": "ttl3",
    "ttl_out_serdes": "ttl4",
    "ttl_inout": "ttl_in1",
    "loop_clock_out": "ttl_clkgen0",
    "loop_clock_in": "ttl_in2",
}

"""The simulated core device's database, and its drivers under their short names.

The drivers live in :mod:`strobe.coredevice` (one class per device, kernel side included);
``device_db.py`` files may name either module.
"""

from .coredevice.core import Core
from .coredevice.ttl import TTLInOut, TTLOut

__all__ = ["Core", "TTLOut", "TTLInOut", "SIM_DEVICE_DB"]

#: The simulated core device: 8 TTL outputs (0-7); inputs 0 and 1 see outputs 0 and 1 (loopback).
SIM_DEVICE_DB = {
    "core": {"type": "local", "module": "strobe.coredevice.core", "class": "Core",
             "arguments": {"ref_period": 1e-9}},
    **{f"ttl{i}": {"type": "local", "module": "strobe.coredevice.ttl", "class": "TTLOut",
                   "arguments": {"channel": i}} for i in range(8)},
    **{f"ttl_in{i}": {"type": "local", "module": "strobe.coredevice.ttl", "class": "TTLInOut",
                      "arguments": {"channel": i}} for i in range(2)},
    "core_dma": {"type": "local", "module": "strobe.coredevice.dma", "class": "CoreDMA"},
    "led": "ttl0",
}

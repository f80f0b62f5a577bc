# The simulated core device, plus the lab's shutter on TTL channel 2 (driver: shutter.py beside this file).
device_db = {
    "core": {"type": "local", "module": "strobe.coredevice.core", "class": "Core",
             "arguments": {"ref_period": 1e-9}},
    "camera": {"type": "local", "module": "strobe.coredevice.ttl", "class": "TTLOut",
               "arguments": {"channel": 0}},
    "shutter": {"type": "local", "module": "shutter", "class": "Shutter",
                "arguments": {"channel": 2, "latency": 2e-6}},
}

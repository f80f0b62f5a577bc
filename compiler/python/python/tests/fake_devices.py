"""Device classes for the device-database tests."""


class Core:
    def __init__(self, dmgr, ref_period):
        self.ref_period = ref_period


class Output:
    def __init__(self, dmgr, channel, core_device="core"):
        self.channel = channel
        self.core = dmgr.get(core_device)

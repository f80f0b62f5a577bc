

# ---- Strobe device drivers (kernel language), appended to every core-device program ----


class TTLOut:
    """A TTL output channel: every change happens at the timeline cursor `now_mu()`. Parameters are
    annotated (so literals take those types) but results are not: the methods are inlined into the
    kernels that use them rather than being link boundaries."""

    def __init__(self, channel: int32):
        self.channel = channel

    def set_o(self, value: bool):
        rtio_output(self.channel, 1 if value else 0)

    def on(self):
        rtio_output(self.channel, 1)

    def off(self):
        rtio_output(self.channel, 0)

    def pulse_mu(self, duration: int64):
        rtio_output(self.channel, 1)
        delay_mu(duration)
        rtio_output(self.channel, 0)

    def pulse(self, duration: float):
        rtio_output(self.channel, 1)
        delay(duration)
        rtio_output(self.channel, 0)


class TTLInOut:
    """A TTL input channel: gate it, then read the timestamps of the rising edges it saw."""

    def __init__(self, channel: int32):
        self.channel = channel

    def gate_rising_mu(self, duration: int64):
        rtio_gate(self.channel, 1)
        delay_mu(duration)
        return now_mu()

    def gate_rising(self, duration: float):
        rtio_gate(self.channel, 1)
        delay(duration)
        return now_mu()

    def timestamp_mu(self, up_to: int64):
        return rtio_input_timestamp(self.channel, up_to)

    def count(self, up_to: int64):
        n = 0
        while rtio_input_timestamp(self.channel, up_to) >= 0:
            n += 1
        return n



# ---- Strobe device drivers (kernel language), appended to every core-device program ----


class TTLOut:
    """A TTL output channel: every change happens at the timeline cursor `now_mu()`. Parameters are
    annotated (so literals take those types) but results are not: the methods are inlined into the
    kernels that use them rather than being link boundaries."""

    kernel_invariants = {"channel"}

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

    kernel_invariants = {"channel"}

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


class Core:
    """The core device: its clock and the timeline operations of ARTIQ's `core` device."""

    kernel_invariants = {"ref_period"}

    def __init__(self, ref_period: float):
        self.ref_period = ref_period

    def reset(self):
        """Puts the timeline 125,000 mu (1 ms) ahead of the RTIO counter."""
        at_mu(rtio_get_counter() + 125000)

    def break_realtime(self):
        """Moves the timeline ahead of the RTIO counter if it fell behind (never backwards)."""
        t = rtio_get_counter() + 125000
        if now_mu() < t:
            at_mu(t)

    def get_rtio_counter_mu(self):
        return rtio_get_counter()

    def wait_until_mu(self, t: int64):
        while rtio_get_counter() < t:
            pass

    def seconds_to_mu(self, seconds: float):
        """Rounded to the nearest machine unit, as `delay()` does."""
        mu = seconds / self.ref_period
        if mu >= 0.0:
            return int64(mu + 0.5)
        return -int64(0.5 - mu)

    def mu_to_seconds(self, mu: int64):
        return mu * self.ref_period

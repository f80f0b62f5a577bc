"""TTL channels: outputs that change at the timeline cursor, inputs that timestamp rising edges."""

from .. import TBool, TFloat, TInt64, kernel
from ..language import delay, delay_mu, now_mu
from .rtio import rtio_gate, rtio_input_timestamp, rtio_output


class TTLOut:
    """A TTL output channel: every change happens at the timeline cursor ``now_mu()``.

    Parameters are annotated (so literals take those types) and results are not, so the methods are
    compiled into the kernels that use them rather than being link boundaries."""

    kernel_invariants = {"core", "channel"}

    def __init__(self, dmgr, channel, core_device="core"):
        self.core = dmgr.get(core_device)
        self.channel = int(channel)

    @kernel
    def set_o(self, o: TBool):
        rtio_output(self.channel, 1 if o else 0)

    @kernel
    def on(self):
        """Sets the output high at the timeline cursor."""
        rtio_output(self.channel, 1)

    @kernel
    def off(self):
        rtio_output(self.channel, 0)

    @kernel
    def pulse_mu(self, duration: TInt64):
        """High now, low `duration` machine units later; the cursor moves to the falling edge."""
        rtio_output(self.channel, 1)
        delay_mu(duration)
        rtio_output(self.channel, 0)

    @kernel
    def pulse(self, duration: TFloat):
        rtio_output(self.channel, 1)
        delay(duration)
        rtio_output(self.channel, 0)


class TTLInOut:
    """A TTL input channel: gate it, then read the timestamps of the rising edges it saw."""

    kernel_invariants = {"core", "channel"}

    def __init__(self, dmgr, channel, core_device="core"):
        self.core = dmgr.get(core_device)
        self.channel = int(channel)

    @kernel
    def gate_rising_mu(self, duration: TInt64):
        """Records rising edges from now for `duration`; returns the end of the window."""
        rtio_gate(self.channel, 1)
        delay_mu(duration)
        return now_mu()

    @kernel
    def gate_rising(self, duration: TFloat):
        rtio_gate(self.channel, 1)
        delay(duration)
        return now_mu()

    @kernel
    def timestamp_mu(self, up_to_timestamp_mu: TInt64):
        """The next recorded edge's timestamp, -1 when none comes before `up_to_timestamp_mu`."""
        return rtio_input_timestamp(self.channel, up_to_timestamp_mu)

    @kernel
    def count(self, up_to_timestamp_mu: TInt64):
        """The number of recorded edges before `up_to_timestamp_mu`."""
        n = 0
        while rtio_input_timestamp(self.channel, up_to_timestamp_mu) >= 0:
            n += 1
        return n

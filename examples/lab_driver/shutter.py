"""A lab's own device driver, written the way Strobe's are (``strobe.coredevice.ttl``): one class, its
constructor on the host (device manager, channel, settings turned into machine units once), its kernel
side in ``@kernel`` methods over the RTIO system call. The compiler knows nothing about it."""

from strobe import TInt64, kernel
from strobe.coredevice.rtio import rtio_output


class Shutter:
    """A mechanical shutter on a TTL channel that opens `latency` after its drive edge rises (and closes
    `latency` after it falls). Its methods move the drive edges earlier so the light is on exactly when
    the timeline says."""

    kernel_invariants = {"core", "channel", "latency_mu"}

    def __init__(self, dmgr, channel, latency=2e-6, core_device="core"):
        self.core = dmgr.get(core_device)
        self.channel = channel
        self.latency_mu = self.core.seconds_to_mu(latency)

    @kernel
    def expose_mu(self, duration: TInt64):
        """Light through the shutter from now for `duration`; the cursor ends when it closes."""
        start = now_mu()
        at_mu(start - self.latency_mu)
        rtio_output(self.channel, 1)
        at_mu(start + duration - self.latency_mu)
        rtio_output(self.channel, 0)
        at_mu(start + duration)

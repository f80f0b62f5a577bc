"""The core device: where kernels run (:meth:`Core.run`), its clock, and the timeline operations of
ARTIQ's ``core`` device, whose kernel side is the ``@kernel`` and ``@portable`` methods below."""

from .. import TFloat, TInt64, int64, kernel, portable
from ..abi import TIMELINE_START_SLACK_MU
from ..language import at_mu, now_mu
from .rtio import rtio_get_counter


class Core:
    """The core device. ``ref_period`` is the length of one machine unit in seconds (8 ns: the
    simulated device's 125 MHz RTIO clock); ``device`` where it is (``tcp:HOST:PORT``,
    ``serial:PATH``; None: the simulated one). The ``@kernel`` decorator hands kernel calls to
    :meth:`run`."""

    #: Marks the object kernels run on (``@kernel`` methods of this class run on the object itself).
    __strobe_core_device__ = True
    kernel_invariants = {"ref_period"}

    def __init__(self, dmgr, ref_period=8e-9, device=None):
        self.ref_period = float(ref_period)
        self.device = device
        self._runner = None

    def run(self, function, args, kwargs):
        """Compiles `function` for this call's arguments, runs it on the device and returns its result."""
        return self.runner().run(function, args, kwargs)

    def runner(self):
        """The connection to the device and the state of its kernel calls (opened at first use)."""
        from .. import runtime

        if self._runner is None:
            self._runner = runtime.KernelRunner(self)
        return self._runner

    def bundled(self, *kernels):
        """``with core.bundled(self.f, self.g):`` compiles the kernels once and keeps them resident
        for the block (see :mod:`strobe.bundles`)."""
        from ..bundles import Bundle, _caller_site

        return Bundle(self, kernels, _caller_site())

    def precompile(self, function, *args, **kwargs):
        """A callable running ``function(*args, **kwargs)``, compiled once now (as ARTIQ's), reading
        the host values anew at each call, with its result and attribute writeback."""
        from ..bundles import precompile

        return precompile(self, function, args, kwargs)

    def close(self):
        """Ends the connection to the device (the simulator, if this run started one, stops); the
        next kernel call opens a new one."""
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    @property
    def comm(self):
        """The link to the device, as ARTIQ's ``core.comm``."""
        return _Comm()

    @kernel
    def reset(self):
        """Puts the timeline a fixed slack (1 ms) ahead of the RTIO counter."""
        at_mu(rtio_get_counter() + int64(TIMELINE_START_SLACK_MU))

    @kernel
    def break_realtime(self):
        """Moves the timeline ahead of the RTIO counter if it fell behind (never backwards)."""
        t = rtio_get_counter() + int64(TIMELINE_START_SLACK_MU)
        if now_mu() < t:
            at_mu(t)

    @kernel
    def get_rtio_counter_mu(self):
        return rtio_get_counter()

    @kernel
    def wait_until_mu(self, t: TInt64):
        while rtio_get_counter() < t:
            pass

    @portable
    def seconds_to_mu(self, seconds: TFloat):
        """Seconds to machine units, rounded to the nearest (halves away from zero, as ``delay()``)."""
        mu = seconds / self.ref_period
        if mu >= 0.0:
            return int64(mu + 0.5)
        return -int64(0.5 - mu)

    @portable
    def mu_to_seconds(self, mu: TInt64):
        return mu * self.ref_period


class _Comm:
    def close(self):
        """ARTIQ releases the device's connection here between kernels. A Strobe session is the
        run's own (a simulator it started, or a device no other client can take meanwhile), so it
        stays open and the next kernel uses it without reconnecting."""

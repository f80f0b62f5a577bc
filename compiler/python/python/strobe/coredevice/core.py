"""The core device: where kernels run (:meth:`Core.run`), its clock, and the timeline operations of
ARTIQ's ``core`` device, whose kernel side is the ``@kernel`` and ``@portable`` methods below."""

from .. import TFloat, TInt64, int64, kernel, portable
from ..abi import MU_PER_COARSE_CYCLE, REF_PERIOD, TIMELINE_START_SLACK_MU
from ..language import at_mu, now_mu
from .rtio import rtio_get_counter


def device_address(host):
    """The device address of ARTIQ's ``host`` argument: None (the simulated device), a ``tcp:`` or
    ``serial:`` address as is, or a bare host name at ARTIQ's kernel port, 1381."""
    if host is None or host.startswith(("tcp:", "serial:")):
        return host
    return f"tcp:{host}:1381"


class Core:
    """The core device, as ARTIQ's: ``ref_period`` is one machine unit in seconds (1 ns) and
    ``coarse_ref_period`` one cycle of the RTIO coarse clock (``ref_multiplier`` units: 8 ns);
    ``device`` is where it is (``tcp:HOST:PORT``, ``serial:PATH``; None: the simulated one), or
    ARTIQ's ``host`` (the same forms, or a bare host name: port 1381). The ``@kernel`` decorator
    hands kernel calls to :meth:`run`."""

    #: Marks the object kernels run on (``@kernel`` methods of this class run on the object itself).
    __strobe_core_device__ = True
    kernel_invariants = {"ref_period", "coarse_ref_period", "ref_multiplier"}

    def __init__(self, dmgr, ref_period=REF_PERIOD, ref_multiplier=MU_PER_COARSE_CYCLE, device=None,
                 host=None, **_):
        if abs(float(ref_period) - REF_PERIOD) > REF_PERIOD * 1e-9 or int(ref_multiplier) != MU_PER_COARSE_CYCLE:
            raise ValueError(
                f"core: ref_period={ref_period} and ref_multiplier={ref_multiplier} in the device "
                f"database, but the core device's machine unit is {REF_PERIOD} s and its RTIO coarse "
                f"clock {MU_PER_COARSE_CYCLE} machine units")
        self.ref_period = float(ref_period)
        self.ref_multiplier = int(ref_multiplier)
        self.coarse_ref_period = self.ref_period * self.ref_multiplier
        self.device = device if device is not None else device_address(host)
        self._runner = None
        from ..compiler.targets import RV32Target

        #: The CPU kernels are compiled for (ARTIQ's tests compare it with their targets).
        self.target_cls = RV32Target
        self._dmgr = dmgr

    def channel_name(self, channel):
        """``0x<channel>:<device>``, the RTIO channel as ARTIQ's messages show it: the device of
        the database with that channel, by the name the experiment asked for it by (an alias) when
        it did, else ``unknown``."""
        entries = getattr(getattr(self._dmgr, "db", None), "entries", {})
        requested = getattr(self._dmgr, "requested", {})
        names = [name for name, desc in entries.items()
                 if isinstance(desc, dict) and desc.get("arguments", {}).get("channel") == channel]
        names.sort(key=lambda name: name not in requested)
        name = requested.get(names[0], names[0]) if names else "unknown"
        return f"0x{channel:x}:{name}"

    def check_channels(self, outputs, inputs, clock_generators):
        """Refuses a device of the database on an RTIO channel the core device does not have
        (its events would go nowhere, silently): TTL outputs are ``0..outputs``, clock
        generators follow them, then the TTL inputs (input and output channels)."""
        first_input = outputs + clock_generators
        ranges = {
            "output": range(outputs),
            "input": range(first_input, first_input + inputs),
            "clock generator": range(outputs, first_input),
        }
        for name, device in getattr(self._dmgr, "active_devices", list)():
            kind = getattr(type(device), "rtio_channel_kind", None)
            channel = getattr(device, "channel", None)
            if kind is None or not isinstance(channel, int):
                continue
            valid = ranges[kind]
            if channel not in valid:
                have = f"{valid.start}-{valid.stop - 1}" if len(valid) else "none"
                raise ValueError(
                    f"device `{name}` is on RTIO channel {channel}, but the core device's "
                    f"{kind} channels are {have}")

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
        """A callable running ``function(*args, **kwargs)``, compiled once now, as ARTIQ's: with the
        host values of this moment at every call, returning its result, without attribute
        writeback."""
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
        """Puts the timeline a fixed slack (125 us) ahead of the RTIO counter."""
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
        """Seconds to machine units, rounded down, as ARTIQ's (``delay()`` rounds to nearest)."""
        return int64(seconds // self.ref_period)

    @portable
    def mu_to_seconds(self, mu: TInt64):
        return mu * self.ref_period


class _Comm:
    def close(self):
        """ARTIQ releases the device's connection here between kernels. A Strobe session is the
        run's own (a simulator it started, or a device no other client can take meanwhile), so it
        stays open and the next kernel uses it without reconnecting."""


def _exception_id_sync():
    """ARTIQ's ``test_exception_id_sync(id)``: a kernel raising the core device's builtin exception
    `id` with its name as message (ARTIQ's tests check both sides agree on the ids)."""
    from .._native import builtin_exceptions
    from ..language import kernel_from_string

    body = "\n".join(f"{'if' if i == 0 else 'elif'} id == {type_id}:\n    raise {name}({name!r})"
                     for i, (type_id, name) in enumerate(builtin_exceptions()))
    hook = kernel_from_string([("id", "TInt32")], body)
    hook.__test__ = False  # imported into test modules: not a test itself
    return hook


def __getattr__(name):
    # Made on first use: it needs the compiler's exception table.
    if name == "test_exception_id_sync":
        globals()[name] = _exception_id_sync()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


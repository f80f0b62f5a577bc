"""DMA, as ARTIQ's ``core_dma``: sequences of output events recorded once into the core device's
DMA memory under a name, then played back by the RTIO core's DMA engine (an event per RTIO cycle,
faster than the CPU issues them).

``with self.core_dma.record(name):`` records the events its block writes (the timeline starts at 0
inside the block and is restored after it: recording takes no time); ``playback(name)`` plays them
from ``now_mu()`` on and advances the timeline by the recorded duration; ``get_handle(name)`` and
``playback_handle(handle)`` skip the lookup. A handle is valid until the next ``record`` or
``erase`` of this driver (``DMAError`` after that). Traces live until erased or the device restarts.
"""

from __future__ import annotations  # annotations stay kernel type names

from ..language import kernel, syscall
from ..exceptions import DMAError
from ..language import at_mu, delay_mu, now_mu  # noqa: F401  (kernel builtins)


@syscall
def dma_record_start(name: TStr) -> TNone:
    """Events written from now on go to a new trace `name`; DMAError when already recording."""


@syscall
def dma_record_stop(duration: TInt64) -> TNone:
    """Ends the recording: the trace (`duration` machine units long) replaces any of its name."""


@syscall
def dma_erase(name: TStr) -> TNone:
    """Removes trace `name` (nothing when there is none)."""


@syscall
def dma_retrieve(name: TStr) -> TInt32:
    """The handle of trace `name`; DMAError when there is none."""


@syscall
def dma_duration(trace: TInt32) -> TInt64:
    """The recorded duration of the trace a handle names."""


@syscall
def dma_playback(timestamp: TInt64, trace: TInt32) -> TNone:
    """Plays the trace from `timestamp` on, returning once every event is queued; RTIOUnderflow
    when one was late."""


class DMARecordContextManager:
    """What :meth:`CoreDMA.record` returns: entering starts the recording and moves the timeline to
    0; leaving stores the trace and puts the timeline back."""

    def __init__(self):
        self.name = ""
        self.saved_now_mu = 0

    @kernel
    def __enter__(self):
        dma_record_start(self.name)  # first: when it raises, the timeline is untouched
        self.saved_now_mu = now_mu()
        at_mu(0)

    @kernel
    def __exit__(self, type, value, traceback):
        dma_record_stop(now_mu())
        at_mu(self.saved_now_mu)


class CoreDMA:
    """The core device's DMA (device name ``core_dma``)."""

    kernel_invariants = {"core", "recorder"}

    def __init__(self, dmgr, core_device="core"):
        self.core = dmgr.get(core_device)
        self.recorder = DMARecordContextManager()
        self.epoch = 0

    @kernel
    def record(self, name):
        """A context manager recording the events of its block as trace `name` (replacing one of
        that name)."""
        self.epoch += 1
        self.recorder.name = name
        return self.recorder

    @kernel
    def erase(self, name):
        """Removes trace `name`."""
        self.epoch += 1
        dma_erase(name)

    @kernel
    def playback(self, name):
        """Plays trace `name` from ``now_mu()`` on and advances the timeline by its duration;
        returns once every event is queued."""
        trace = dma_retrieve(name)
        dma_playback(now_mu(), trace)
        delay_mu(dma_duration(trace))

    @kernel
    def get_handle(self, name):
        """A handle of trace `name` for :meth:`playback_handle`."""
        trace = dma_retrieve(name)
        return (self.epoch, dma_duration(trace), trace)

    @kernel
    def playback_handle(self, handle):
        """Plays the trace of a handle from :meth:`get_handle` as :meth:`playback` does."""
        epoch, duration, trace = handle
        if self.epoch != epoch:
            raise DMAError("invalid DMA handle: the traces changed since it was taken")
        dma_playback(now_mu(), trace)
        delay_mu(duration)

"""Record and replay from Python (what ``strobe run --record`` and ``strobe replay`` do).

    with strobe.recording.record("run.strobe"):
        exp.run()                               # kernel calls on the core device, recorded
    strobe.recording.replay("run.strobe")       # 0: the same output, outcomes and pins
    strobe.recording.diff("a.strobe", "b.strobe")

A recording holds every value the kernels consumed from the outside world (RPC answers, input
timestamps and levels, RTIO counter reads, late outputs) in the order they consumed it; a replay
runs the same code on a device with those values fed back and no host function called.
"""

import contextlib
import sys

from . import runtime

__all__ = ["record", "replay", "diff"]


@contextlib.contextmanager
def record(path, experiment=None, arguments=()):
    """Records the kernel runs of the core device inside the ``with`` block into ``path``
    (``experiment`` and ``arguments`` are noted in it: by default the script and none)."""
    details = (str(path), experiment or sys.argv[0] or "<python>", [str(a) for a in arguments])
    session = runtime.sessions[0] if runtime.sessions else None
    if session is not None:
        session.start_recording(*details)
    else:
        # The session opens with the first kernel call and records from its start.
        runtime.settings["record"] = details
    try:
        yield
    finally:
        runtime.settings["record"] = None
        if session is None and runtime.sessions:
            session = runtime.sessions[0]
        if session is not None:
            session.finish_recording()


def _command(*args):
    return runtime._native().main(["strobe", *args])


def replay(path, device=None, trace=None):
    """Replays a recording (``strobe replay``); the exit code: 0 when the replay did what the
    recording did, 1 at a divergence (printed), 2 for a file that cannot be replayed."""
    args = ["replay", str(path)]
    if device is not None:
        args += ["--device", str(device)]
    if trace is not None:
        args += ["--trace", str(trace)]
    return _command(*args)


def diff(a, b):
    """Prints where two recordings first differ (``strobe replay --diff``); 0 when they do not."""
    return _command("replay", "--diff", str(a), str(b))

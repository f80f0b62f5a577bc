"""The virtual devices every experiment has without a ``device_db.py`` entry, as ``artiq_run`` gives
them: ``scheduler`` (this run's identity, submissions, pause and termination) and ``ccb`` (commands
for applets, which have nowhere to go in a run without a dashboard).

``strobe run`` turns the first Ctrl-C into a termination request: ``scheduler.check_pause()`` (a
kernel may call it as an RPC) and ``check_termination()`` then return True, and
``scheduler.pause()`` raises ``TerminationRequested``, which ends the run cleanly. A second Ctrl-C
interrupts at once.
"""

import signal
import sys

from . import TBool, host_only
from .exceptions import TerminationRequested
from .log import logger


class Scheduler:
    """This run as the scheduler sees it: ``rid`` 0 in pipeline ``main`` at priority 0, ``expid``
    the file, class and arguments. Submissions get the next RIDs but do not run (as ``artiq_run``:
    there is no master to run them); they are kept in ``submitted``."""

    def __init__(self, expid=None):
        self.rid = 0
        self.pipeline_name = "main"
        self.priority = 0
        self.expid = expid
        self.submitted = []
        self._next_rid = 1
        self._termination_requested = False

    def submit(self, pipeline_name=None, expid=None, priority=None, due_date=None, flush=False):
        rid = self._next_rid
        self._next_rid += 1
        self.submitted.append({"rid": rid, "pipeline": pipeline_name or self.pipeline_name,
                               "expid": expid, "priority": priority, "due_date": due_date,
                               "flush": flush})
        logger(__name__).info("Submitting: %s, RID=%s", expid, rid)
        return rid

    def delete(self, rid):
        logger(__name__).info("Deleting RID %s", rid)

    def request_termination(self, rid):
        """Asks run `rid` to end; for this run's own RID, its next ``pause()`` ends it."""
        logger(__name__).info("Requesting termination of RID %s", rid)
        if rid == self.rid:
            self._termination_requested = True

    def get_status(self):
        return {}

    def check_pause(self, rid=None) -> TBool:
        """Whether the run should pause (here: whether its termination was requested)."""
        return self._termination_requested

    def check_termination(self, rid=None) -> TBool:
        return self._termination_requested

    @host_only
    def pause(self):
        """Where a run yields to others; raises ``TerminationRequested`` after a termination request."""
        if self._termination_requested:
            raise TerminationRequested

    def close(self):
        pass


class CCB:
    """Applet commands (``ccb.issue("create_applet", ...)``): logged and kept in ``issued``."""

    def __init__(self):
        self.issued = []

    def issue(self, service, *args, **kwargs):
        self.issued.append((service, args, kwargs))
        logger(__name__).info("CCB for service '%s' (args %s, kwargs %s)", service, args, kwargs)

    def close(self):
        pass


class CtrlC:
    """While active, the first SIGINT requests the scheduler's termination; the next one raises
    ``KeyboardInterrupt`` as usual."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.previous = None

    def _handle(self, signum, frame):
        signal.signal(signal.SIGINT, self.previous or signal.default_int_handler)
        sys.stderr.write("\ntermination requested (Ctrl-C again to interrupt)\n")
        sys.stderr.flush()
        self.scheduler.request_termination(self.scheduler.rid)

    def __enter__(self):
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: leave signals alone
            self.previous = None
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


def virtual_devices(expid=None):
    """The devices ``artiq_run`` adds to every device database."""
    return {"scheduler": Scheduler(expid), "ccb": CCB()}

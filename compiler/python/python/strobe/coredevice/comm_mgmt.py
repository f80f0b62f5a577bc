"""The core device's management interface, as ARTIQ's ``artiq.coredevice.comm_mgmt.CommMgmt``: the core
log, where the device writes RTIO sequence errors and collisions.

In a process whose kernels already talk to the device, that connection is used (the simulated device
lives as long as its process); otherwise one is opened to ``host`` (``tcp:HOST:PORT``,
``serial:PATH``; None: a new simulated device, whose log is empty)."""

from .. import runtime


class CommMgmt:
    def __init__(self, host=None, port=None):
        self.host = host
        self._own = None

    def _session(self):
        if runtime.sessions:
            return runtime.sessions[0]
        if self._own is None:
            self._own = runtime._native().Session(self.host, False)
        return self._own

    def get_log(self):
        """The core log's text."""
        return self._session().core_log()

    def clear_log(self):
        """Empties the core log."""
        self._session().clear_core_log()

    def close(self):
        """Closes a connection this object opened (not an experiment's)."""
        if self._own is not None:
            self._own.close()
            self._own = None

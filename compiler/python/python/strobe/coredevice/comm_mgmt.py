"""The core device's management interface, as ARTIQ's ``artiq.coredevice.comm_mgmt.CommMgmt``: the core
log, where the device writes RTIO sequence errors and collisions.

In a process whose kernels already talk to the device, that connection is used (the simulated device
lives as long as its process); otherwise one is opened to ``host`` for each request (``tcp:HOST:PORT``,
``serial:PATH`` or a host name, as the core's ``host``: other processes use the device in between; None:
a new simulated device, whose log is empty, kept until :meth:`close`)."""

from contextlib import contextmanager

from .. import runtime
from .core import device_address


class CommMgmt:
    def __init__(self, host=None, port=None):
        self.host = device_address(host)
        self._own = None

    @contextmanager
    def _session(self):
        if runtime.sessions:
            yield runtime.sessions[0]
        elif self.host is not None:
            session = runtime._native().Session(self.host, False)
            try:
                yield session
            finally:
                session.close()
        else:
            if self._own is None:
                self._own = runtime._native().Session(None, False)
            yield self._own

    def get_log(self):
        """The core log's text."""
        with self._session() as session:
            return session.core_log()

    def clear_log(self):
        """Empties the core log."""
        with self._session() as session:
            session.clear_core_log()

    def close(self):
        """Closes a connection this object opened (not an experiment's)."""
        if self._own is not None:
            self._own.close()
            self._own = None

"""The experiment classes: ``class Scan(EnvExperiment)`` with ``build()`` and ``run()``, as in ARTIQ.

This part covers arguments and devices; kernels join it with the Python module (issue 4).
"""

from .arguments import resolve


class HasEnvironment:
    """An object that declares its arguments and devices in ``build()``.

    ``arguments`` maps argument names to given values (the command line's ``-p name=value``); the
    others take their declared defaults. ``device_mgr`` (a ``DeviceManager``) makes the devices of
    ``device_db.py``; without one, the simulated core device's (so ``Exp()`` in a script, pytest or
    Jupyter runs its kernels on the simulator). An object built with a parent (``Child(self)``)
    shares both with it.
    """

    def __init__(self, managers_or_parent=None, *args, arguments=None, device_mgr=None, **kwargs):
        if isinstance(managers_or_parent, HasEnvironment):
            self._arguments = managers_or_parent._arguments
            self._used = managers_or_parent._used
            self._device_mgr = managers_or_parent._device_mgr
        else:
            self._arguments = dict(arguments or {})
            self._used = set()
            self._device_mgr = device_mgr
        self.build(*args, **kwargs)

    def build(self):
        """Declare arguments (and, later, devices) here."""

    def get_argument(self, key, processor):
        """The value of argument ``key``, checked by ``processor`` (``NumberValue(...)``, ...)."""
        self._used.add(key)
        return resolve(key, processor, self._arguments)

    def setattr_argument(self, key, processor):
        """``self.<key> = self.get_argument(key, processor)``."""
        setattr(self, key, self.get_argument(key, processor))

    def get_device(self, key):
        """The device ``key`` of the device database."""
        if self._device_mgr is None:
            from .devices import SIM_DEVICE_DB
            from .devices_db import DeviceDB, DeviceManager

            self._device_mgr = DeviceManager(DeviceDB(SIM_DEVICE_DB))
        return self._device_mgr.get(key)

    def setattr_device(self, key):
        """``self.<key> = self.get_device(key)``."""
        setattr(self, key, self.get_device(key))

    def unused_arguments(self):
        """Given arguments that no ``get_argument`` asked for (usually a typo on the command line)."""
        return sorted(set(self._arguments) - self._used)


class Experiment:
    """The three phases an experiment runs through."""

    def prepare(self):
        """Before ``run()``: precompute what does not need the hardware."""

    def run(self):
        raise NotImplementedError("an experiment must define run()")

    def analyze(self):
        """After ``run()``: process the results."""


class EnvExperiment(Experiment, HasEnvironment):
    """The usual base class of an experiment."""

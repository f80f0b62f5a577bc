"""The experiment classes: ``class Scan(EnvExperiment)`` with ``build()`` and ``run()``, as in ARTIQ,
and the environment they declare themselves in: arguments, devices and datasets.

An experiment is made either ARTIQ's way, with a tuple of managers
``Exp((device_mgr, dataset_mgr, argument_mgr, scheduler_defaults))``, or with keywords
(``Exp(arguments={"n": 3})``, ``device_mgr=``, ``dataset_mgr=``), or with nothing at all: then its
devices come from the simulated core device's database, so ``Exp().run()`` runs its kernels on the
simulator from a script, pytest or Jupyter. An object built with a parent (``Child(self)``) shares
the parent's environment and is registered as its child.
"""

from .arguments import ArgumentError, NoDefault, resolve
from .datasets import DatasetManager
from .language import rpc


class ArgumentManager:
    """The argument values given to a run (``-p name=value``), and which of them were asked for."""

    def __init__(self, arguments=None):
        self.unprocessed_arguments = dict(arguments or {})
        self.used = set()

    def get(self, key, processor, group=None, tooltip=None):
        self.used.add(key)
        return resolve(key, processor, self.unprocessed_arguments)

    def unused(self):
        return sorted(set(self.unprocessed_arguments) - self.used)

    def check_unprocessed_arguments(self):
        if self.unused():
            raise ArgumentError(f"unknown argument(s): {', '.join(self.unused())}")


class _Environment:
    """What an experiment and its children share."""

    def __init__(self, device_mgr, dataset_mgr, argument_mgr, scheduler_defaults):
        self.device_mgr = device_mgr
        self.dataset_mgr = dataset_mgr if dataset_mgr is not None else DatasetManager()
        self.argument_mgr = argument_mgr if argument_mgr is not None else ArgumentManager()
        self.scheduler_defaults = scheduler_defaults if scheduler_defaults is not None else {}

    def devices(self):
        if self.device_mgr is None:
            from .devices import SIM_DEVICE_DB
            from .devices_db import DeviceDB, DeviceManager

            self.device_mgr = DeviceManager(DeviceDB(SIM_DEVICE_DB))
        return self.device_mgr


class HasEnvironment:
    """An object that declares its arguments, devices and datasets in ``build()``."""

    def __init__(self, managers_or_parent=None, *args, arguments=None, device_mgr=None,
                 dataset_mgr=None, **kwargs):
        self.children = []
        if isinstance(managers_or_parent, HasEnvironment):
            self.__env = managers_or_parent.__env
            managers_or_parent.register_child(self)
        elif isinstance(managers_or_parent, tuple):
            self.__env = _Environment(*managers_or_parent)
        elif managers_or_parent is None:
            self.__env = _Environment(device_mgr, dataset_mgr, ArgumentManager(arguments), None)
        else:
            raise TypeError("an experiment is made with a managers tuple, a parent, or keywords "
                            f"(arguments=, device_mgr=, dataset_mgr=), not {managers_or_parent!r}")
        self.build(*args, **kwargs)

    def build(self):
        """Declare arguments, devices and datasets here."""

    def register_child(self, child):
        self.children.append(child)

    def call_child_method(self, method, *args, **kwargs):
        """Calls `method` on every child that has it, in the order they were made."""
        for child in self.children:
            function = getattr(child, method, None)
            if function is not None:
                function(*args, **kwargs)

    # ---- arguments ----------------------------------------------------------------------------

    def get_argument(self, key, processor, group=None, tooltip=None):
        """The value of argument ``key``, checked by ``processor`` (``NumberValue(...)``, ...);
        `group` and `tooltip` are for a user interface."""
        return self.__env.argument_mgr.get(key, processor, group, tooltip)

    def setattr_argument(self, key, processor, group=None, tooltip=None):
        """``self.<key> = self.get_argument(key, processor)``."""
        setattr(self, key, self.get_argument(key, processor, group, tooltip))

    def unused_arguments(self):
        """Given arguments that no ``get_argument`` asked for (usually a typo on the command line)."""
        manager = self.__env.argument_mgr
        return manager.unused() if hasattr(manager, "unused") else []

    # ---- devices ------------------------------------------------------------------------------

    def get_device_db(self):
        """The device database's descriptions (name -> description or alias)."""
        return self.__env.devices().db.entries

    def get_device(self, key):
        """The device ``key`` of the device database (``scheduler`` and ``ccb`` always exist)."""
        return self.__env.devices().get(key)

    def setattr_device(self, key):
        """``self.<key> = self.get_device(key)``."""
        setattr(self, key, self.get_device(key))

    # ---- datasets -----------------------------------------------------------------------------

    @rpc(flags={"async"})
    def set_dataset(self, key, value, *, unit=None, scale=None, precision=None, broadcast=False,
                    persist=False, archive=True):
        """Records dataset ``key``: `archive` keeps it in the run's results, `broadcast` publishes it
        in the dataset database, `persist` (implies broadcast) keeps it there for later runs;
        `unit`, `scale`, `precision` are metadata for display."""
        metadata = {name: v for name, v in (("unit", unit), ("scale", scale), ("precision", precision))
                    if v is not None}
        self.__env.dataset_mgr.set(key, value, metadata, broadcast, persist, archive)

    @rpc(flags={"async"})
    def mutate_dataset(self, key, index, value):
        """Sets element `index` of dataset ``key`` (a tuple of ints is a slice, a tuple of tuples a
        multi-dimensional one)."""
        self.__env.dataset_mgr.mutate(key, index, value)

    @rpc(flags={"async"})
    def append_to_dataset(self, key, value):
        """Appends `value` to dataset ``key`` (a list this run set)."""
        self.__env.dataset_mgr.append_to(key, value)

    def get_dataset(self, key, default=NoDefault, archive=True):
        """Dataset ``key``: this run's own first, else the database's; `default` if neither has it
        (``KeyError`` without a default). With `archive`, a value read from the database is kept in
        the run's results."""
        try:
            return self.__env.dataset_mgr.get(key, archive)
        except KeyError:
            if default is NoDefault:
                raise
            return default

    def get_dataset_metadata(self, key, default=NoDefault):
        try:
            return self.__env.dataset_mgr.get_metadata(key)
        except KeyError:
            if default is NoDefault:
                raise
            return default

    def setattr_dataset(self, key, default=NoDefault, archive=True):
        """``self.<key> = self.get_dataset(key, default, archive)``."""
        setattr(self, key, self.get_dataset(key, default, archive))

    # ---- scheduling ---------------------------------------------------------------------------

    def set_default_scheduling(self, priority=None, pipeline_name=None, flush=None):
        """Scheduling options for when this experiment is submitted (kept; ``strobe run`` runs it
        at once)."""
        for name, value in (("priority", priority), ("pipeline_name", pipeline_name), ("flush", flush)):
            if value is not None:
                self.__env.scheduler_defaults[name] = value


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


def is_experiment(o):
    """An experiment class: derives from ``Experiment``, is not one of the base classes."""
    return isinstance(o, type) and issubclass(o, Experiment) and o not in (Experiment, EnvExperiment)


def is_public_experiment(o):
    """An experiment class a file offers: not underscore-prefixed (those are helpers)."""
    return is_experiment(o) and not o.__name__.startswith("_")

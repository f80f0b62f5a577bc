"""The device database (``device_db.py``, ARTIQ's format) and the manager that makes its devices.

``device_db.py`` defines a dict ``device_db``: each key is a device name, each value either another
name (an alias) or a description ``{"type": "local", "module": ..., "class": ..., "arguments": {...}}``.
A device is made on first request as ``cls(manager, **arguments)`` and then shared.
"""

import importlib
import runpy


class DeviceError(LookupError):
    """A device that is missing, described wrongly or cannot be made."""


class DeviceDB:
    """The descriptions of a ``device_db.py`` (or of a dict, for tests)."""

    def __init__(self, source):
        if isinstance(source, dict):
            self.path, self.entries = "<dict>", dict(source)
            return
        self.path = str(source)
        try:
            namespace = runpy.run_path(self.path)
        except FileNotFoundError:
            raise DeviceError(f"{self.path}: no such device database") from None
        db = namespace.get("device_db")
        if not isinstance(db, dict):
            raise DeviceError(f"{self.path}: must define a dict named `device_db`")
        self.entries = db

    def description(self, name):
        """The description of ``name``, following aliases; returns ``(resolved name, description)``."""
        seen = [name]
        entry = self._entry(name)
        while isinstance(entry, str):
            if entry in seen:
                chain = " -> ".join(seen + [entry])
                raise DeviceError(f"{self.path}: aliases form a cycle: {chain}")
            seen.append(entry)
            entry = self._entry(entry)
        resolved = seen[-1]
        if not isinstance(entry, dict):
            raise DeviceError(f"{self.path}: `{resolved}` must be a dict or an alias, not {entry!r}")
        return resolved, entry

    def _entry(self, name):
        try:
            return self.entries[name]
        except KeyError:
            known = ", ".join(sorted(self.entries)) or "none"
            raise DeviceError(f"device `{name}` is not in {self.path} (known: {known})") from None


class DeviceManager:
    """Makes each device once, from its description. `virtual_devices` (name -> object) come first:
    the scheduler and the ccb of :mod:`strobe.scheduler` unless others are given."""

    def __init__(self, db, virtual_devices=None):
        self.db = db
        self._active = {}
        #: The name each device was first asked for by (an alias, or its own), by its own name.
        self.requested = {}
        if virtual_devices is None:
            from .scheduler import virtual_devices as defaults

            virtual_devices = defaults()
        self.virtual_devices = dict(virtual_devices)

    def get_desc(self, name):
        return self.db.description(name)[1]

    def get(self, name):
        if name in self.virtual_devices:
            return self.virtual_devices[name]
        resolved, desc = self.db.description(name)
        self.requested.setdefault(resolved, name)
        if resolved in self._active:
            return self._active[resolved]
        kind = desc.get("type")
        if kind != "local":
            raise DeviceError(f"device `{resolved}`: type {kind!r} is not supported (only \"local\")")
        try:
            module = importlib.import_module(desc["module"])
            cls = getattr(module, desc["class"])
        except KeyError as e:
            raise DeviceError(f"device `{resolved}`: the description lacks {e.args[0]!r}") from None
        except (ImportError, AttributeError) as e:
            raise DeviceError(f"device `{resolved}`: {e}") from None
        device = cls(self, **desc.get("arguments", {}))
        self._active[resolved] = device
        return device

    def active_devices(self):
        """(name, device) of every device made so far."""
        return list(self._active.items())

    def close_devices(self):
        """Closes every device made so far that can be closed (a core device ends its session)."""
        for device in list(self._active.values()) + list(self.virtual_devices.values()):
            close = getattr(device, "close", None)
            if callable(close):
                close()

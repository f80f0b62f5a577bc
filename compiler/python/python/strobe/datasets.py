"""Datasets, as ARTIQ's: values an experiment records (``set_dataset``), updates
(``mutate_dataset``, ``append_to_dataset``) and reads (``get_dataset``).

A run keeps the datasets it sets with ``archive=True`` (the default) as its results; ``strobe run``
prints them at the end, or writes them with ``-o results.h5`` to an HDF5 file (groups ``datasets``
and ``archive``: what the run read from the database with ``archive=True``), as ``artiq_run`` does.
``broadcast=True`` puts a dataset in the dataset database for the rest of the run (a dashboard would
see it); ``persist=True`` (which implies broadcast) also saves it in the database file
(``dataset_db.pyon``, ``--dataset-db``), from which later runs' ``get_dataset`` read it.
"""

import ast
import os
from operator import setitem

from .log import logger


class DatasetDB:
    """Broadcast and persistent datasets: `(persist, value, metadata)` by key, loaded from and saved
    to a file of Python literals (numpy arrays are saved as lists)."""

    def __init__(self, path=None):
        self.path = path
        self.data = {}
        if path is not None and os.path.exists(path):
            with open(path) as f:
                text = f.read()
            try:
                stored = ast.literal_eval(text) if text.strip() else {}
            except (ValueError, SyntaxError) as e:
                raise ValueError(f"{path}: not a dataset database ({e})") from None
            for key, value in stored.items():
                self.data[key] = (True, value, {})

    def get(self, key):
        return self.data[key][1]

    def get_metadata(self, key):
        return self.data[key][2]

    def update(self, key, persist, value, metadata):
        self.data[key] = (persist, value, metadata)

    def delete(self, key):
        self.data.pop(key, None)

    def save(self):
        """Writes the persistent datasets (if any, or if the file exists already)."""
        persistent = {k: _plain(v) for k, (persist, v, _) in sorted(self.data.items()) if persist}
        if self.path is None or (not persistent and not os.path.exists(self.path)):
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(repr(persistent) + "\n")
        os.replace(tmp, self.path)


def _plain(value):
    """A value as Python literals (numpy arrays and scalars become lists and numbers)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


class DatasetManager:
    """One run's view of the datasets: `local` (set with archive), `archive` (read from the database
    with archive), `metadata`, and the database for broadcast ones."""

    def __init__(self, db=None):
        self.db = db if db is not None else DatasetDB()
        self.local = {}
        self.archive = {}
        self.metadata = {}

    def set(self, key, value, metadata, broadcast, persist, archive):
        if persist:
            broadcast = True
        if not (broadcast or archive):
            logger(__name__).warning("Dataset '%s' will not be stored: both 'broadcast' and 'archive' are False", key)
        if broadcast:
            self.db.update(key, persist, value, metadata)
        else:
            self.db.delete(key)
        if archive:
            self.local[key] = value
        else:
            self.local.pop(key, None)
        self.metadata[key] = metadata

    def _target(self, key):
        if key in self.db.data:
            return self.db.data[key][1]
        if key in self.local:
            return self.local[key]
        raise KeyError(f"cannot mutate nonexistent dataset '{key}'")

    def mutate(self, key, index, value):
        """Sets one element; a tuple of ints is a slice, a tuple of tuples a multi-dimensional one."""
        if isinstance(index, tuple):
            if index and isinstance(index[0], tuple):
                index = tuple(slice(*e) for e in index)
            else:
                index = slice(*index)
        setitem(self._target(key), index, value)

    def append_to(self, key, value):
        self._target(key).append(value)

    def get(self, key, archive=False):
        if key in self.local:
            return self.local[key]
        value = self.db.get(key)
        if archive:
            if key in self.archive:
                logger(__name__).warning("Dataset '%s' is already in the archive, overwriting", key)
            self.archive[key] = value
        return value

    def get_metadata(self, key):
        if key in self.metadata:
            return self.metadata[key]
        return self.db.get_metadata(key)

    def write_hdf5(self, f):
        """Writes the run's datasets into an open ``h5py.File``."""
        for group_name, values in (("datasets", self.local), ("archive", self.archive)):
            group = f.create_group(group_name)
            for key, value in values.items():
                try:
                    group[key] = value
                    for name, attr in self.metadata.get(key, {}).items():
                        group[key].attrs[name] = attr
                except TypeError as e:
                    raise TypeError(f"dataset '{key}' of type {type(value).__name__} cannot be "
                                    f"written to HDF5: {e}") from None

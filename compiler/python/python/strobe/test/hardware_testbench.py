"""``ExperimentCase``: a ``unittest.TestCase`` whose tests build and run experiments on a core
device, with the same methods as ARTIQ's (``create`` and ``execute``), so ARTIQ's core-device tests
run with their imports mapped to ``strobe``.

The devices come from ``$STROBE_ROOT/device_db.py`` when ``STROBE_ROOT`` is set (a lab's device
database; ``ARTIQ_ROOT`` too, as ARTIQ's test bench reads it), else from the simulated core device's;
datasets live in a temporary database per test.
"""

import os
import sys
import unittest
from tempfile import TemporaryDirectory

from ..datasets import DatasetDB, DatasetManager
from ..devices import SIM_DEVICE_DB
from ..devices_db import DeviceDB, DeviceError, DeviceManager
from ..scheduler import virtual_devices


def _device_db_source():
    root = os.getenv("STROBE_ROOT") or os.getenv("ARTIQ_ROOT")
    return os.path.join(root, "device_db.py") if root else SIM_DEVICE_DB


class ExperimentCase(unittest.TestCase):
    def setUp(self):
        self.tempdir = TemporaryDirectory(prefix="strobe_test")
        self.device_db = DeviceDB(_device_db_source())
        self.dataset_db = DatasetDB(os.path.join(self.tempdir.name, "dataset_db.pyon"))
        self.device_mgr = DeviceManager(self.device_db, virtual_devices=virtual_devices())
        self.dataset_mgr = DatasetManager(self.dataset_db)

    def tearDown(self):
        self.device_mgr.close_devices()
        # The test's simulated device stops here, not when the process ends: a suite runs many.
        from strobe import runtime

        runtime.close_sessions()
        self.tempdir.cleanup()

    def create(self, cls, *args, **kwargs):
        """The experiment `cls` built with this test's managers and prepared; a device the
        database lacks skips the test."""
        try:
            exp = cls((self.device_mgr, self.dataset_mgr, None, {}), *args, **kwargs)
        except DeviceError as e:
            raise unittest.SkipTest(f"test device not available: `{e}`") from None
        exp.prepare()
        return exp

    def execute(self, cls, *args, **kwargs):
        """Builds, prepares, runs and analyzes experiment `cls`; returns it."""
        scheduler = self.device_mgr.virtual_devices.get("scheduler")
        if scheduler is not None:
            scheduler.expid = {
                "file": getattr(sys.modules.get(cls.__module__), "__file__", None),
                "class_name": cls.__name__,
                "arguments": {},
            }
        exp = self.create(cls, *args, **kwargs)
        try:
            exp.run()
            exp.analyze()
        except Exception as e:
            # As ARTIQ's test bench: the core device's account follows the message.
            core = getattr(e, "strobe_core_exception", None)
            if core is not None:
                e.args = (f"{e.args[0] if e.args else ''}\n{core}",)
            raise
        return exp

"""The device database: aliases, sharing, and every refusal."""

import os
import tempfile
import unittest

from strobe import DeviceDB, DeviceError, DeviceManager, EnvExperiment

DB = {
    "core": {"type": "local", "module": "fake_devices", "class": "Core", "arguments": {"ref_period": 1e-9}},
    "ttl0": {"type": "local", "module": "fake_devices", "class": "Output", "arguments": {"channel": 0}},
    "ttl1": {"type": "local", "module": "fake_devices", "class": "Output", "arguments": {"channel": 1}},
    "led": "ttl1",
    "beam": "led",
    "loop_a": "loop_b",
    "loop_b": "loop_a",
    "broken_module": {"type": "local", "module": "no_such_module", "class": "X"},
    "broken_class": {"type": "local", "module": "fake_devices", "class": "Nope"},
    "incomplete": {"type": "local", "module": "fake_devices"},
    "controller": {"type": "controller", "host": "::1", "port": 3250},
    "number": 3,
}


class Blink(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl0")
        self.setattr_device("beam")


class DeviceTests(unittest.TestCase):
    def manager(self):
        return DeviceManager(DeviceDB(DB))

    def test_devices_are_made_once_and_shared(self):
        e = Blink(device_mgr=self.manager())
        self.assertEqual(e.ttl0.channel, 0)
        self.assertEqual(e.beam.channel, 1, "aliases resolve through chains")
        self.assertIs(e.ttl0.core, e.core)
        self.assertIs(e.beam.core, e.core)
        self.assertEqual(e.core.ref_period, 1e-9)

    def test_aliases_share_the_device(self):
        m = self.manager()
        self.assertIs(m.get("led"), m.get("ttl1"))

    def test_refusals(self):
        m = self.manager()
        cases = [
            ("ttl9", r"device `ttl9` is not in <dict> \(known: beam, broken_class"),
            ("loop_a", "aliases form a cycle: loop_a -> loop_b -> loop_a"),
            ("broken_module", "device `broken_module`: No module named 'no_such_module'"),
            ("broken_class", "device `broken_class`: .*has no attribute 'Nope'"),
            ("incomplete", "device `incomplete`: the description lacks 'class'"),
            ("controller", "device `controller`: type 'controller' is not supported"),
            ("number", "`number` must be a dict or an alias, not 3"),
        ]
        for name, message in cases:
            with self.subTest(name=name):
                with self.assertRaisesRegex(DeviceError, message):
                    m.get(name)

    def test_no_device_database_means_the_simulated_device(self):
        from strobe.devices import Core, TTLOut

        class Led(EnvExperiment):
            def build(self):
                self.setattr_device("core")
                self.setattr_device("led")

        exp = Led()
        self.assertIsInstance(exp.core, Core)
        self.assertIsInstance(exp.led, TTLOut)
        self.assertEqual(exp.led.channel, 0)

    def test_device_db_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "device_db.py")
            with open(path, "w") as f:
                f.write("device_db = {'core': {'type': 'local', 'module': 'fake_devices', "
                        "'class': 'Core', 'arguments': {'ref_period': 8e-9}}, 'main': 'core'}\n")
            self.assertEqual(DeviceManager(DeviceDB(path)).get("main").ref_period, 8e-9)
            with open(path, "w") as f:
                f.write("devices = {}\n")
            with self.assertRaisesRegex(DeviceError, "must define a dict named `device_db`"):
                DeviceDB(path)
        with self.assertRaisesRegex(DeviceError, "no such device database"):
            DeviceDB(os.path.join(d, "device_db.py"))

    def test_children_share_the_devices(self):
        class Child(EnvExperiment):
            def build(self):
                self.setattr_device("ttl0")

        parent = Blink(device_mgr=self.manager())
        self.assertIs(Child(parent).ttl0, parent.ttl0)


if __name__ == "__main__":
    unittest.main()

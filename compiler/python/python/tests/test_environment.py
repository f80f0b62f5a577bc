import os
import tempfile
import unittest

import numpy as np

from strobe import EnvExperiment, HasEnvironment, NumberValue, TerminationRequested
from strobe.datasets import DatasetDB, DatasetManager
from strobe.environment import ArgumentManager
from strobe.scheduler import CCB, Scheduler
from strobe import runner


class SchedulerTests(unittest.TestCase):
    def test_submissions_and_termination(self):
        s = Scheduler({"file": "x.py", "class_name": None, "arguments": {}})
        self.assertEqual((s.rid, s.pipeline_name, s.priority), (0, "main", 0))
        self.assertEqual([s.submit(), s.submit("other", {"class_name": "B"}, 3)], [1, 2])
        self.assertEqual(s.submitted[1]["pipeline"], "other")
        self.assertEqual(s.get_status(), {})
        self.assertFalse(s.check_pause())
        s.pause()  # nothing requested: returns
        s.request_termination(5)  # another run
        self.assertFalse(s.check_termination())
        s.request_termination(0)
        self.assertTrue(s.check_pause() and s.check_termination())
        with self.assertRaises(TerminationRequested):
            s.pause()

    def test_ccb_records(self):
        c = CCB()
        c.issue("create_applet", "plot", "cmd", group="g")
        self.assertEqual(c.issued, [("create_applet", ("plot", "cmd"), {"group": "g"})])


class DatasetTests(unittest.TestCase):
    def test_modes(self):
        m = DatasetManager()
        m.set("a", 1, {}, broadcast=False, persist=False, archive=True)
        m.set("b", [1], {"unit": "Hz"}, broadcast=True, persist=False, archive=False)
        m.set("c", 3, {}, broadcast=False, persist=True, archive=False)
        self.assertEqual(m.local, {"a": 1})
        self.assertEqual(set(m.db.data), {"b", "c"})
        self.assertEqual(m.db.data["c"][0], True, "persist implies broadcast")
        m.append_to("b", 2)
        self.assertEqual(m.get("b"), [1, 2])
        self.assertEqual(m.get_metadata("b"), {"unit": "Hz"})
        m.set("arr", np.zeros(3), {}, broadcast=False, persist=False, archive=True)
        m.mutate("arr", 1, 5.0)
        m.mutate("arr", (2, 3), [7.0])
        self.assertEqual(m.get("arr").tolist(), [0.0, 5.0, 7.0])
        with self.assertRaisesRegex(KeyError, "nonexistent dataset 'nope'"):
            m.mutate("nope", 0, 1)
        with self.assertRaises(KeyError):
            m.get("nope")

    def test_archive_and_database_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "db.pyon")
            db = DatasetDB(path)
            m = DatasetManager(db)
            m.set("kept", np.arange(3), {}, broadcast=False, persist=True, archive=False)
            m.set("gone", 1, {}, broadcast=True, persist=False, archive=False)
            db.save()
            again = DatasetManager(DatasetDB(path))
            self.assertEqual(again.get("kept", archive=True), [0, 1, 2])
            self.assertEqual(again.archive, {"kept": [0, 1, 2]})
            with self.assertRaises(KeyError):
                again.get("gone")
            with open(path, "w") as f:
                f.write("{broken")
            with self.assertRaisesRegex(ValueError, "not a dataset database"):
                DatasetDB(path)


class Child(HasEnvironment):
    def build(self):
        self.setattr_argument("shared", NumberValue(1))


class Parent(EnvExperiment):
    """Parent experiment

    More text."""

    def build(self):
        self.setattr_argument("own", NumberValue(2))
        self.child = Child(self)
        self.setattr_device("scheduler")

    def run(self):
        pass


class EnvironmentTests(unittest.TestCase):
    def test_managers_tuple_and_children(self):
        args = ArgumentManager({"shared": 5})
        exp = Parent((None, DatasetManager(), args, {}))
        self.assertEqual((exp.own, exp.child.shared), (2, 5))
        self.assertEqual(exp.children, [exp.child])
        self.assertEqual(args.unused(), [])
        self.assertIsInstance(exp.scheduler, Scheduler, "virtual devices need no device_db entry")
        exp.set_dataset("x", 1.5, unit="V")
        self.assertEqual((exp.get_dataset("x"), exp.get_dataset_metadata("x")), (1.5, {"unit": "V"}))
        self.assertEqual(exp.get_dataset("y", default=None), None)
        exp.setattr_dataset("x")
        self.assertEqual(exp.x, 1.5)
        with self.assertRaises(TypeError):
            Parent("not managers")

    def test_unknown_arguments_are_reported(self):
        args = ArgumentManager({"own": 3, "typo": 1})
        Parent((None, DatasetManager(), args, {}))
        self.assertEqual(args.unused(), ["typo"])


class DiscoveryTests(unittest.TestCase):
    def module(self, **classes):
        import types

        m = types.ModuleType("m")
        m.__file__ = "m.py"
        m.EnvExperiment = EnvExperiment
        for name, cls in classes.items():
            setattr(m, name, cls)
        return m

    def test_public_experiments_only(self):
        class _Helper(EnvExperiment):
            pass

        m = self.module(Parent=Parent, _Helper=_Helper, Child=Child)
        self.assertIs(runner.experiment_class(m, None), Parent)
        self.assertIs(runner.experiment_class(m, "_Helper"), _Helper)
        self.assertEqual(runner.experiment_name(Parent), "Parent experiment")
        self.assertEqual(runner.experiment_name(_Helper), "_Helper")

    def test_errors_list_the_candidates(self):
        class Other(EnvExperiment):
            pass

        with self.assertRaisesRegex(Exception, r"has no experiment class \(found: none\)"):
            runner.experiment_class(self.module(), None)
        m = self.module(Parent=Parent, Other=Other)
        with self.assertRaisesRegex(Exception, r"more than one experiment class \(found: Other, "
                                               r"Parent \(Parent experiment\)\); choose one with --class"):
            runner.experiment_class(m, None)
        with self.assertRaisesRegex(Exception, r"no experiment class `Child`"):
            runner.experiment_class(m, "Child")


if __name__ == "__main__":
    unittest.main()

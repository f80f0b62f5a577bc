"""Experiment arguments: declaration, defaults, given values and every refusal."""

import unittest

from strobe import (
    ArgumentError,
    BooleanValue,
    EnumerationValue,
    EnvExperiment,
    NoDefault,
    NumberValue,
    StringValue,
    us,
)
from strobe.arguments import parse_assignment


class Scan(EnvExperiment):
    def build(self):
        self.setattr_argument("count", NumberValue(10, step=1, min=1, max=1000, precision=0))
        self.setattr_argument("width", NumberValue(2 * us, unit="us", min=0.0))
        self.setattr_argument("enabled", BooleanValue(True))
        self.setattr_argument("mode", EnumerationValue(["fast", "slow"], "fast"))
        self.setattr_argument("label", StringValue("scan"))

    def run(self):
        return self.count * self.width


class Required(EnvExperiment):
    def build(self):
        self.setattr_argument("n", NumberValue(NoDefault, precision=0))


class ArgumentTests(unittest.TestCase):
    def test_defaults(self):
        e = Scan()
        self.assertEqual((e.count, e.width, e.enabled, e.mode, e.label), (10, 2e-6, True, "fast", "scan"))
        self.assertIsInstance(e.count, int)
        self.assertAlmostEqual(e.run(), 2e-5)

    def test_given_values_override_defaults(self):
        e = Scan(arguments={"count": 3, "width": 5e-6, "mode": "slow", "enabled": False})
        self.assertEqual((e.count, e.width, e.mode, e.enabled), (3, 5e-6, "slow", False))
        self.assertEqual(e.unused_arguments(), [])

    def test_integer_arguments_accept_integral_floats_only(self):
        self.assertEqual(Scan(arguments={"count": 4.0}).count, 4)
        with self.assertRaisesRegex(ArgumentError, "argument `count` expects an integer, got 4.5"):
            Scan(arguments={"count": 4.5})

    def test_refusals_name_the_argument(self):
        cases = [
            ({"count": 0}, "argument `count` 0 is below the minimum 1"),
            ({"count": 5000}, "argument `count` 5000 is above the maximum 1000"),
            ({"count": "many"}, "argument `count` expects a number, got 'many'"),
            ({"count": True}, "argument `count` expects a number"),
            ({"enabled": 1}, "argument `enabled` expects True or False"),
            ({"mode": "medium"}, r"argument `mode` expects one of \['fast', 'slow'\]"),
            ({"label": 3}, "argument `label` expects a string"),
        ]
        for given, message in cases:
            with self.subTest(given=given):
                with self.assertRaisesRegex(ArgumentError, message):
                    Scan(arguments=given)

    def test_required_argument(self):
        with self.assertRaisesRegex(ArgumentError, "argument `n` has no default and was not given"):
            Required()
        self.assertEqual(Required(arguments={"n": 7}).n, 7)

    def test_unused_arguments_are_reported(self):
        self.assertEqual(Scan(arguments={"cuont": 3}).unused_arguments(), ["cuont"])

    def test_bad_declarations(self):
        with self.assertRaisesRegex(ArgumentError, "unknown unit 'furlong'"):
            NumberValue(1.0, unit="furlong")
        with self.assertRaisesRegex(ArgumentError, "min 2 is above max 1"):
            NumberValue(1, min=2, max=1)
        with self.assertRaisesRegex(ArgumentError, "default 'c' is not one of"):
            EnumerationValue(["a", "b"], "c")

    def test_number_type_inference(self):
        self.assertEqual(NumberValue(1, precision=0).type, "int")
        self.assertEqual(NumberValue(1).type, "float")
        self.assertEqual(NumberValue(1, step=0.5, precision=0).type, "float")
        self.assertEqual(NumberValue(2, unit="us").scale, us)

    def test_command_line_assignments(self):
        self.assertEqual(parse_assignment("count=12"), ("count", 12))
        self.assertEqual(parse_assignment("width = 2e-6"), ("width", 2e-6))
        self.assertEqual(parse_assignment("mode=slow"), ("mode", "slow"))
        self.assertEqual(parse_assignment("enabled=False"), ("enabled", False))
        self.assertEqual(parse_assignment("points=[1, 2]"), ("points", [1, 2]))
        for bad in ["count", "=3", "2x=1"]:
            with self.subTest(text=bad):
                with self.assertRaisesRegex(ArgumentError, "expected name=value"):
                    parse_assignment(bad)

    def test_nested_environments_share_arguments(self):
        class Child(EnvExperiment):
            def build(self):
                self.setattr_argument("count", NumberValue(1, precision=0))

        parent = Scan(arguments={"count": 5})
        self.assertEqual(Child(parent).count, 5)


if __name__ == "__main__":
    unittest.main()

import unittest

from strobe import ArgumentError
from strobe.scan import CenterScan, ExplicitScan, MultiScanManager, NoScan, RangeScan, Scannable


class ScanTests(unittest.TestCase):
    def test_points(self):
        self.assertEqual(list(NoScan(3.5, 3)), [3.5, 3.5, 3.5])
        self.assertEqual(list(RangeScan(0, 1, 5)), [0.0, 0.25, 0.5, 0.75, 1.0])
        self.assertEqual(list(RangeScan(2, 9, 1)), [2])
        self.assertEqual(list(RangeScan(2, 9, 0)), [])
        self.assertEqual(list(CenterScan(10, 4, 1)), [10, 9, 11, 8, 12])
        self.assertEqual(list(CenterScan(10, 3, 1)), [10, 9, 11], "within span/2 of the center")
        self.assertEqual(list(CenterScan(10, 3, 0)), [])
        self.assertEqual(list(ExplicitScan((4, 2, 7))), [4, 2, 7])

    def test_randomized_points_follow_the_seed(self):
        a = RangeScan(0, 9, 10, randomize=True, seed=3)
        self.assertEqual(sorted(a), list(RangeScan(0, 9, 10)))
        self.assertEqual(list(a), list(RangeScan(0, 9, 10, randomize=True, seed=3)))
        self.assertNotEqual(list(a), list(RangeScan(0, 9, 10)))
        self.assertEqual(list(CenterScan(0, 4, 1, randomize=True, seed=5)),
                         list(CenterScan(0, 4, 1, randomize=True, seed=5)))

    def test_iterating_twice_and_nested(self):
        s = RangeScan(0, 2, 3)
        self.assertEqual([(a, b) for a in s for b in s][:4], [(0, 0), (0, 1), (0, 2), (1, 0)])
        self.assertEqual(len(s), 3)

    def test_describe_round_trips_through_scannable(self):
        arg = Scannable()
        for scan in (NoScan(1, 2), RangeScan(0, 1, 3, True, 9), CenterScan(5, 2, 1), ExplicitScan([1, 3])):
            again = arg.process(scan.describe())
            self.assertEqual(type(again), type(scan))
            self.assertEqual(list(again), list(scan))
            self.assertEqual(again.describe(), scan.describe())

    def test_scannable_values(self):
        arg = Scannable(default=[RangeScan(0, 1, 2), NoScan(5)], unit="us", global_min=0)
        self.assertEqual(list(arg.default()), [0.0, 1.0])
        self.assertEqual(arg.scale, 1e-6)
        self.assertAlmostEqual(arg.global_step, 1e-7)
        self.assertEqual(list(arg.process(4)), [4])
        self.assertEqual(list(arg.process([1, 2])), [1, 2])
        self.assertEqual(arg.describe()["default"], [RangeScan(0, 1, 2).describe(), NoScan(5).describe()])

    def test_scannable_errors(self):
        arg = Scannable(global_min=0, global_max=10)
        cases = [
            ({"ty": "Sweep"}, "expects a scan"),
            ({"ty": "NoScan", "value": 1, "speed": 2}, r"a NoScan has no parameter\(s\) \['speed'\]"),
            ({"ty": "RangeScan", "start": 0}, "an incomplete RangeScan"),
            ([5, 11], "scan point 11 is above the maximum 10"),
            (-1, "scan point -1 is below the minimum 0"),
            ("fast", "expects a scan"),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                with self.assertRaisesRegex(ArgumentError, message):
                    arg.process(value)
        with self.assertRaisesRegex(ArgumentError, "has no default"):
            Scannable().default()
        with self.assertRaisesRegex(ArgumentError, "unknown unit"):
            Scannable(unit="furlong")

    def test_multi_scan_manager(self):
        points = list(MultiScanManager(("a", ExplicitScan([1, 2])), ("b", RangeScan(0, 1, 2))))
        self.assertEqual([(p.a, p.b) for p in points], [(1, 0.0), (1, 1.0), (2, 0.0), (2, 1.0)])
        self.assertEqual(repr(points[0]), "<ScanPoint a=1 b=0.0>")
        self.assertEqual(len(MultiScanManager(("a", NoScan(0, 3)), ("b", ExplicitScan([1, 2])))), 6)


if __name__ == "__main__":
    unittest.main()

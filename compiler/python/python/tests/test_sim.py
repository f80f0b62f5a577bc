"""Kernels as plain Python on a simulated timeline (strobe.sim)."""

import io
import unittest
from contextlib import redirect_stdout

from strobe import language
from strobe.language import delay, kernel, now_mu, parallel, sequential
from strobe.sim import devices, time


class Timed:
    def __init__(self, core, out):
        self.core = core
        self.out = out

    @kernel
    def run(self):
        start = now_mu()
        with parallel:
            self.out.pulse(2.0)
            with sequential:
                delay(1.0)
                self.out.pulse(3.0)
        return now_mu() - start


class SimTest(unittest.TestCase):
    def setUp(self):
        time.manager.stack = [time._Sequential(0)]
        time.manager.timeline.clear()
        language.set_time_manager(time.manager)

    def tearDown(self):
        language.set_time_manager(None)

    def test_parallel_blocks_last_their_longest_branch(self):
        dmgr = {}
        dmgr["core"] = devices.Core(dmgr)
        out = devices.Output(dmgr, name="ttl")
        printed = io.StringIO()
        with redirect_stdout(printed):
            duration = Timed(dmgr["core"], out).run()
        self.assertEqual(duration, 4.0)
        lines = printed.getvalue().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("@0.000000000 (+0.000000000) pulse"))
        self.assertTrue(lines[1].startswith("@1.000000000 (+1.000000000) pulse"))

    def test_the_timeline_never_goes_back(self):
        with self.assertRaises(ValueError):
            language.at_mu(-1.0)

    def test_without_a_manager_timeline_calls_need_a_kernel(self):
        language.set_time_manager(None)
        try:
            with self.assertRaises(NotImplementedError):
                now_mu()
        finally:
            language.set_time_manager(time.manager)


if __name__ == "__main__":
    unittest.main()

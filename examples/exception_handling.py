"""Exceptions both ways: a late pulse raises RTIOUnderflow, which the kernel catches and recovers
from; a host function (RPC) raises, and the kernel catches it too; the last one is not caught and
arrives in the host's `run()` as the Python exception, with the kernel's lines in its traceback.

    strobe run examples/exception_handling.py --trace -
"""

import traceback

from strobe import *


class LaserUnlocked(Exception):
    pass


class ExceptionHandling(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl2")
        self.attempts = 0

    def check_laser(self, attempt: TInt32) -> TBool:
        """Host side: the laser stays unlocked for the first two attempts."""
        if attempt < 2:
            raise LaserUnlocked(f"attempt {attempt}: laser unlocked")
        return True

    @kernel
    def late_pulse(self):
        self.core.reset()
        delay(-2 * ms)  # behind the RTIO counter: too late
        self.ttl2.pulse(1 * us)

    @kernel
    def measure(self):
        try:
            self.late_pulse()
        except RTIOUnderflow:
            print("underflow caught; recovering")
            self.core.break_realtime()
            self.ttl2.pulse(2 * us)
            delay(1 * us)
        for attempt in range(5):
            self.attempts = attempt + 1
            try:
                if self.check_laser(attempt):
                    print("laser locked at attempt", attempt)
                    break
            except LaserUnlocked as e:
                print("kernel caught:", e)
        self.core.break_realtime()  # the RPCs took time: move the timeline ahead of the counter
        self.ttl2.pulse(3 * us)
        self.check_laser(0)  # not caught in the kernel

    def run(self):
        try:
            self.measure()
        except LaserUnlocked as e:
            print("host caught:", type(e).__name__, e)
            for frame in traceback.extract_tb(e.__traceback__):
                if frame.filename == __file__:
                    print(f"  line {frame.lineno} in {frame.name}: {frame.line}")
        print("attempts written back:", self.attempts)

"""Blink an LED: `count` pulses of 1 us, 2 us apart, on the simulated core device.

    strobe run examples/blink.py --trace -
    strobe run examples/blink.py -p count=10
"""

from strobe import *


class Blink(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("led")
        self.setattr_argument("count", NumberValue(5, step=1, precision=0, type="int"))

    @kernel
    def run(self):
        self.core.reset()
        for i in range(self.count):
            self.led.pulse(1 * us)
            delay(1 * us)
        print("blinked", self.count, "times")

"""Scan a pulse train's pulse width over an argument: one kernel per point, called from the host.

    strobe run examples/pulse_scan.py -p widths="[1e-6, 2e-6, 4e-6]" --trace -
"""

from strobe import *


class PulseScan(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl1")
        self.setattr_argument("widths", PYONValue([1 * us, 2 * us, 3 * us]))
        self.setattr_argument("pulses", NumberValue(4, step=1, precision=0, type="int"))

    @kernel
    def pulse_train(self, width: TFloat):
        self.core.break_realtime()
        for i in range(self.pulses):
            self.ttl1.pulse(width)
            delay(width)

    def run(self):
        for width in self.widths:
            self.pulse_train(width)
            print(f"width {width * 1e6:.1f} us: {self.pulses} pulses of",
                  self.core.seconds_to_mu(width), "mu")

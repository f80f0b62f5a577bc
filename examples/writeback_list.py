"""Results into a list attribute: the kernel timestamps loopback edges into `self.timestamps`,
which is written back to the host object when the kernel ends.

    strobe run examples/writeback_list.py --trace -
"""

from strobe import *


class WritebackList(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl1")
        self.setattr_device("ttl_in1")
        self.setattr_argument("n", NumberValue(4, step=1, precision=0, type="int"))
        self.timestamps = [0] * self.n
        self.spacings = []

    @kernel
    def run(self):
        self.core.reset()
        t0 = now_mu()
        gate_end = self.ttl_in1.gate_rising_mu(self.core.seconds_to_mu(10 * us))
        at_mu(t0 + 200)
        for i in range(self.n):
            self.ttl1.pulse_mu(100)
            delay_mu(100 * (i + 1))
        for i in range(self.n):
            self.timestamps[i] = self.ttl_in1.timestamp_mu(gate_end) - t0
        for i in range(1, self.n):
            self.spacings.append(self.timestamps[i] - self.timestamps[i - 1])

    def analyze(self):
        # Kernels' int64 values come back as numpy.int64 (as in ARTIQ): print them as ints.
        print("edges at", [int(t) for t in self.timestamps], "mu after the gate opened")
        print("spacings", [int(s) for s in self.spacings])

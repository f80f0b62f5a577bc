"""Count input edges: ttl0 drives `n` pulses while ttl_in0 (wired back to ttl0 in the simulated
device) is gated; the kernel counts the rising edges it saw.

    strobe run examples/loopback_count.py -p n=7 --trace -
"""

from strobe import *


class LoopbackCount(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl0")
        self.setattr_device("ttl_in0")
        self.setattr_argument("n", NumberValue(5, step=1, precision=0, type="int"))
        self.counted = 0

    @kernel
    def run(self):
        self.core.reset()
        t0 = now_mu()
        gate_end = self.ttl_in0.gate_rising(20 * us)
        at_mu(t0 + 1000)
        for i in range(self.n):
            self.ttl0.pulse(500 * ns)
            delay(500 * ns)
        self.counted = self.ttl_in0.count(gate_end)

    def analyze(self):
        print("sent", self.n, "pulses, counted", self.counted, "rising edges")

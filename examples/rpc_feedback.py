"""A feedback loop through the host: each round the kernel sends a burst of pulses, counts them on
the loopback input and asks the host (an RPC) how many to send next, until the host is satisfied.

    strobe run examples/rpc_feedback.py -p target=6 --trace -
"""

from strobe import *


class RpcFeedback(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl0")
        self.setattr_device("ttl_in0")
        self.setattr_argument("target", NumberValue(6, step=1, precision=0, type="int"))
        self.history = []

    def next_burst(self, counted: TInt32) -> TInt32:
        """Host side: the next burst size from the last count (0 ends the loop)."""
        self.history.append(counted)
        if counted >= self.target:
            return 0
        return counted + 2

    @kernel
    def burst(self, n):
        t0 = now_mu()
        gate_end = self.ttl_in0.gate_rising(30 * us)
        at_mu(t0 + 500)
        for i in range(n):
            self.ttl0.pulse(1 * us)
            delay(1 * us)
        return self.ttl_in0.count(gate_end)

    @kernel
    def run(self):
        self.core.reset()
        n = 1
        while n > 0:
            n = self.next_burst(self.burst(n))
            self.core.break_realtime()

    def analyze(self):
        print("counts per round:", self.history)

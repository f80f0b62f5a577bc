"""Everything a kernel consumes from the outside world, for record and replay: sync and async RPCs,
an RPC that raises, loopback input counts and timestamps, counter reads, an underflow caught in
the kernel, and attributes written back."""

from strobe import *


class RecordReplay(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl0")
        self.setattr_device("ttl_in0")
        self.setattr_argument("pulses", NumberValue(3, step=1, precision=0, type="int"))
        self.counted = 0
        self.latency = 0
        self.underflows = 0
        self.noted = []

    def scale(self, x) -> TInt32:
        return 2 * x

    @rpc(flags={"async"})
    def note(self, x):
        self.noted.append(x)

    def refuse(self) -> TInt32:
        raise ValueError("refused by the host")

    @kernel
    def run(self):
        n = self.scale(self.pulses)
        self.core.reset()
        t0 = now_mu()
        gate_end = self.ttl_in0.gate_rising(20 * us)
        at_mu(t0 + 1000)
        for i in range(n):
            self.ttl0.pulse(300 * ns)
            delay(300 * ns)
        self.counted = self.ttl_in0.count(gate_end)
        self.note(self.counted)
        self.core.break_realtime()
        sent = now_mu()
        gate_end = self.ttl_in0.gate_rising(2 * us)
        at_mu(sent + 100)
        self.ttl0.pulse(200 * ns)
        self.latency = self.ttl_in0.timestamp_mu(gate_end) - sent
        print("counted", self.counted, "edge after", self.latency, "mu")
        try:
            self.refuse()
        except ValueError as e:
            print("the host refused:", e)
        try:
            at_mu(self.core.get_rtio_counter_mu() - 5000)
            self.ttl0.on()
        except RTIOUnderflow:
            self.underflows += 1
            print("underflow caught")
        self.core.break_realtime()
        self.ttl0.off()
        self.note(self.underflows)

    def analyze(self):
        print("host: counted", self.counted, "latency", self.latency, "underflows",
              self.underflows, "noted", self.noted)

# RPC values larger than one frame (16 KiB) travel in parts: a 80 KB list to a host function, a
# 80 KB list from one, and a 40 KB host list written back after the kernel changed it.
from strobe import *


class LargePayloads(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.samples = list(range(10000))

    def receive(self, data: TList(TInt32)) -> TInt32:
        print("host got", len(data), "values, last", data[-1])
        return sum(data) % 1000

    def readings(self, n: TInt32) -> TList(TFloat):
        return [i * 0.5 for i in range(n)]

    @kernel
    def run(self):
        values = self.readings(10000)
        total = 0.0
        for v in values:
            total += v
        print("received", len(values), "values from the host, total", total)
        data = [i * 3 for i in range(20000)]
        print("checksum from the host:", self.receive(data))
        self.samples[0] = -1
        self.samples[9999] = -2

    def analyze(self):
        print("written back:", len(self.samples), self.samples[:3], self.samples[-2:])

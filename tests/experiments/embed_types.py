"""Every kind of host value a kernel can read and write back (see embed_types.stdout)."""

import numpy as np

from strobe import *


class Inner:
    def __init__(self):
        self.gain = 2.5
        self.labels = ["a", "b"]

    @kernel
    def scaled(self, x):
        return x * self.gain


class EmbedTypes(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl0")
        self.setattr_device("ttl1")
        self.i = 7
        self.big = 2 ** 40
        self.f = 0.125
        self.neg_inf = float("-inf")
        self.flag = True
        self.text = "héllo"
        self.ints = [1, 2, 3]
        self.floats = [0.5, 1.5]
        self.pair = (3, "x")
        self.nested = [[1, 2], [3]]
        self.arr32 = np.array([1, 2, 3], dtype=np.int32)
        self.arr64 = np.array([10, 20], dtype=np.int64)
        self.farr = np.array([0.25, 0.75])
        self.np_int = np.int64(5)
        self.np_float = np.float64(1.25)
        self.inner = Inner()
        self.channels = [self.ttl0, self.ttl1]
        self.nothing = None
        self.scale = self.inner.scaled  # a bound kernel method
        self.report = self.record  # a bound host method: an RPC
        self.recorded = []
        self.kernel_invariants = {"i"}

    def record(self, x):
        self.recorded.append(x)

    @kernel
    def run(self):
        print(self.i, self.big, self.f, self.neg_inf, self.flag, self.text)
        print(self.ints, self.floats, self.pair, self.nested)
        print(self.arr32, self.arr64, self.farr, self.np_int, self.np_float)
        print(self.inner.scaled(2.0), self.inner.labels, len(self.channels), self.nothing is None)
        print(self.scale(4.0), self.core.mu_to_seconds(int64(250)), self.core.seconds_to_mu(3 * us))
        self.report(self.i * 6)
        self.ints.append(4)
        self.f += 1.0
        self.flag = False
        self.text = "bye"
        self.arr32[0] = 100
        self.farr[1] = -1.0
        self.big += 1
        self.np_int = self.np_int * 2
        self.inner.gain = 3.0
        self.inner.labels.append("c")
        self.nested[0][0] = 9
        self.pair = (4, "y")
        self.core.reset()
        for ch in self.channels:
            ch.pulse(1 * us)
            delay(1 * us)

    def analyze(self):
        print("host:", self.i, self.big, self.f, self.flag, self.text)
        print("host:", self.ints, self.pair, self.nested, self.recorded)
        print("host:", self.arr32.tolist(), self.arr32.dtype, self.farr.tolist(), self.np_int)
        print("host:", self.inner.gain, self.inner.labels, self.scale(1.0))

"""Functions as kernel values: host callbacks and kernel functions passed as kernel arguments,
attributes holding functions, kernels made by kernel_from_string; numpy inside kernels; int64
results as numpy.int64; RPCReturnValueError (see functions_and_numpy.stdout)."""

import numpy as np

from strobe import *


@kernel
def double(x):
    return 2 * x


def host_square(x) -> TInt32:
    return x * x


triple = kernel_from_string(["x"], "return 3 * x")


def show(*values):
    print(*values)


class FunctionsAndNumpy(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.scale = kernel_from_string([("v", "TFloat")], "return v * 0.5")
        self.report = show
        self.seen = []

    def remember(self, v):
        self.seen.append(v)

    def not_none(self):
        return b"bytes"

    @kernel
    def apply(self, f, x):
        return f(x)

    @kernel
    def numpy_things(self):
        a = np.array([1, 2, 3])
        a[0] = np.int32(10)
        return (a, np.int64(20), np.sqrt(16.0), np.float64(2))

    @kernel
    def discard_result(self):
        self.not_none()

    @kernel
    def run(self):
        self.report("report", triple(2), self.scale(3.0))

    def analyze(self):
        print("kernel function argument:", self.apply(double, 21))
        print("host function argument:", self.apply(host_square, 12))
        self.apply(self.remember, 5)
        print("bound host method argument:", self.seen)
        a, big, root, f = self.numpy_things()
        print("numpy:", a, int(big), type(big).__name__, root, f)
        try:
            self.discard_result()
        except RPCReturnValueError as e:
            print("RPCReturnValueError:", e)

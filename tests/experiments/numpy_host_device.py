"""ARTIQ's CompareHostDeviceTest, condensed: the same portable function of numpy values runs on the
host and on the device (numpy and scipy passed in as arguments, as ARTIQ's test passes them), and
the results agree (numpy.allclose); NaN outside a domain, as the C library gives it
(see numpy_host_device.stdout)."""

import numpy
import scipy.special

from strobe import *


@portable
def compute(a, b, np, sp):
    return [np.arcsin(a), np.arctan2(a, b), np.hypot(b, a), np.cbrt(b), np.expm1(a), np.rint(b),
            np.fmax(a, 0.5), np.sqrt(a - 0.5), sp.special.erf(b), sp.special.gammaln(b),
            sp.special.j1(a), a @ b, a * b - b / 2.0, b ** 2.0]


class NumpyHostDevice(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.results = []

    def keep(self, values):
        self.results.append(values)

    @kernel
    def on_device(self, a, b):
        self.keep(compute(a, b, numpy, scipy))

    def run(self):
        a = numpy.array([[0.3, 0.4], [0.51, 0.6]])
        b = numpy.array([[1.5, -2.5], [3.0, 0.25]])
        with numpy.errstate(invalid="ignore"):
            host = compute(a, b, numpy, scipy)
        self.on_device(a, b)
        device = self.results[0]
        names = ["arcsin", "arctan2", "hypot", "cbrt", "expm1", "rint", "fmax", "sqrt (NaN below 0)",
                 "erf", "gammaln", "j1", "@", "arithmetic", "**"]
        for name, h, d in zip(names, host, device):
            print(name, numpy.shape(d), numpy.allclose(h, d, equal_nan=True))

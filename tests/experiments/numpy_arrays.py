"""numpy arrays both ways, as ARTIQ's RoundtripTest, ArrayQuotingTest and CompareHostDeviceTest do
it: arrays of 1 to 3 dimensions as kernel arguments, attributes (written back in place) and RPC
arguments and results, with numpy's dtypes kept; elementwise arithmetic and `@` in kernels
compared with numpy on the host (see numpy_arrays.stdout)."""

import numpy

from strobe import *


class NumpyArrays(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.mat_i64 = numpy.array([[1, 2], [3, 4]], dtype=numpy.int64)
        self.mat_f = numpy.array([[0.5, 1.5, 2.5]])
        self.cube = numpy.arange(8, dtype=numpy.int32).reshape((2, 2, 2))
        self.flags = numpy.array([True, False])
        self.seen = []

    def keep(self, value):
        self.seen.append(value)

    def identity(self) -> TArray(TFloat, 2):
        return numpy.eye(2)

    @kernel
    def roundtrip(self, a):
        return a

    @kernel
    def compute(self, a, b):
        self.keep(a + b)
        self.keep(a * 3)
        self.keep(a @ b)
        self.keep(numpy.sqrt(b))
        self.keep(self.identity() @ b)
        self.keep(self.cube[1])
        self.keep(self.flags)
        self.mat_i64 += self.mat_i64
        self.mat_f[0, 1] = -1.0
        self.cube[0, 1, 1] = 30

    def run(self):
        for value in [numpy.array([1, 2, 3], dtype=numpy.int32),
                      numpy.array([[1.5], [2.5]]),
                      numpy.array([[[1, 2]]], dtype=numpy.int64),
                      numpy.array([], dtype=numpy.float64)]:
            back = self.roundtrip(value)
            print("roundtrip", value.shape, value.dtype, "->", back.shape, back.dtype,
                  numpy.array_equal(back, value))
        a = numpy.array([[1, 2], [3, 4]], dtype=numpy.int32)
        b = numpy.array([[1.0, 4.0], [9.0, 16.0]])
        self.compute(a, b)
        expected = [a + b, a * 3, a @ b, numpy.sqrt(b), numpy.eye(2) @ b, self.cube[1], self.flags]
        for got, want in zip(self.seen, expected):
            print(got.dtype, got.shape, numpy.array_equal(got, want), got.tolist())
        print("written back:", self.mat_i64.tolist(), self.mat_f.tolist(), self.cube[0].tolist())

"""A kernel writes an attribute listed in kernel_invariants: a compile error at the write."""

from strobe import *


class InvariantWrite(EnvExperiment):
    kernel_invariants = {"frequency"}

    def build(self):
        self.setattr_device("core")
        self.frequency = 100e6

    @kernel
    def run(self):
        self.frequency = 2 * self.frequency

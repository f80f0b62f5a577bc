"""A type error in an experiment's kernel is reported at the experiment's own file and line."""

from strobe import *


class KernelType(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.label = "x"

    @kernel
    def run(self):
        n = self.label + 1

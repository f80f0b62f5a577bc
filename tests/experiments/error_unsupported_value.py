"""A kernel reads an attribute holding a dict: a clear error at the kernel line that reads it."""

from strobe import *


class UnsupportedValue(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.settings = {"power": 1.0}

    @kernel
    def run(self):
        print(self.settings)

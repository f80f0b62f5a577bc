"""A kernel calls a @host_only method: refused before compiling, at the call."""

from strobe import *


class HostOnly(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    @host_only
    def plot(self):
        pass

    @kernel
    def run(self):
        self.plot()

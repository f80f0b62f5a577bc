from strobe.experiment import *


class Spin(EnvExperiment):
    """A kernel that never ends on its own."""

    def build(self):
        self.setattr_device("core")

    @kernel
    def run(self):
        x = 0
        print("spinning")
        while True:
            x += 1

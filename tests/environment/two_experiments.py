# Two public experiments: one must be chosen with --class.
from strobe import *


class First(EnvExperiment):
    """The first one"""

    def run(self):
        print("first")


class Second(EnvExperiment):
    def run(self):
        print("second")


class _Hidden(EnvExperiment):
    def run(self):
        print("hidden")

# An object a kernel made has no host counterpart: passing it to a host function is a compile error
# at the argument (host objects a kernel was given do travel, by identity).
from strobe import *


class Point:
    def __init__(self, x):
        self.x = x


class KernelObjectToHost(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    def show(self, p):
        print(p)

    @kernel
    def run(self):
        self.show(Point(3))

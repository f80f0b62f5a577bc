"""An exception no one catches: reported with the experiment's host and kernel lines only."""

from strobe import *


class OutOfRange(Exception):
    pass


class Uncaught(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.limit = 3

    @kernel
    def check(self, value):
        if value > self.limit:
            raise OutOfRange("value " + str(value) + " is above the limit")

    @kernel
    def scan(self):
        for v in range(5):
            self.check(v)

    def run(self):
        print("scanning")
        self.scan()

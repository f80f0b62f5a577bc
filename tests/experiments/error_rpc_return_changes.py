"""An unannotated RPC whose result type changes between calls: an RPCReturnValueError (a
ValueError, as ARTIQ's) raised in the kernel at the call, which reaches the host with the kernel's
lines (see the .stdout)."""

import traceback

from strobe import *


class ReturnChanges(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.calls = 0

    def measure(self):
        self.calls += 1
        return 1 if self.calls < 3 else 1.5

    @kernel
    def sample(self):
        total = 0
        for i in range(4):
            total += self.measure()
        return total

    def run(self):
        try:
            self.sample()
        except ValueError as e:
            print(type(e).__name__ + ":", e)
            print("frames:", [(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__)
                              if f.filename == __file__])

"""strobe.recording from a plain script: a kernel call recorded, then replayed."""

import sys

from strobe import *
from strobe import recording


class Echo(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.seen = 0

    def ask(self) -> TInt32:
        return 41

    @kernel
    def run(self):
        self.seen = self.ask() + 1
        print("kernel saw", self.seen)


path = sys.argv[1]
with recording.record(path, "python_api.py", ["answer=41"]):
    exp = Echo(None)
    exp.run()
print("host saw", exp.seen)
sys.stdout.flush()
print("replay exit", recording.replay(path))
print("diff exit", recording.diff(path, path))

# An experiment whose host side needs numpy: it must come from the venv `strobe` was installed in,
# whatever `python3` comes first on PATH.
import numpy as np

from strobe import *


class Sum(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.values = np.array([1, 2, 3, 4], dtype=np.int64)

    @kernel
    def run(self):
        total = int64(0)
        for v in self.values:
            total += v
        print("sum", total)

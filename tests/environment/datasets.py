# Datasets as artiq_run keeps them: archived ones are the results (-o results.h5, else printed),
# broadcast ones live in the dataset database for the run, persistent ones are saved for later runs.
import numpy as np

from strobe import *


class Datasets(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ccb")
        self.setattr_argument("points", NumberValue(4, step=1, precision=0))

    @kernel
    def measure(self, i: TInt32) -> TFloat:
        return i * 0.5

    def run(self):
        runs = self.get_dataset("runs", default=0, archive=False)
        self.set_dataset("runs", runs + 1, persist=True, archive=False)
        self.set_dataset("counts", np.full(self.points, np.nan), broadcast=True, unit="Hz")
        self.set_dataset("trace", [], broadcast=True, archive=False)
        self.set_dataset("note", "calibration")
        self.ccb.issue("create_applet", "counts", "plot_xy counts")
        for i in range(self.points):
            self.mutate_dataset("counts", i, self.measure(i))
            self.append_to_dataset("trace", i * i)
        print("runs before this one:", runs)
        print("trace:", self.get_dataset("trace"))

    def analyze(self):
        print("counts read back:", self.get_dataset("counts").tolist())
        print("missing:", self.get_dataset("missing", default="none"))
        print("applets:", [call[0] for call in self.ccb.issued])

# Arguments of every kind, components built with a parent (sharing the arguments), scans on the host
# and scan points in a kernel.
from strobe import *


class Detector(HasEnvironment):
    def build(self):
        self.setattr_argument("detuning", Scannable(default=[NoScan(2e6), RangeScan(1e6, 3e6, 3)],
                                                    unit="MHz"), "Detector")
        self.setattr_argument("gain", EnumerationValue(["low", "high"]), "Detector")

    def report(self):
        print("detector", self.gain, [round(x) for x in self.detuning])


class ScanDemo(EnvExperiment):
    """Scan demonstration"""

    def build(self):
        self.setattr_device("core")
        self.setattr_argument("flag", BooleanValue(True))
        self.setattr_argument("label", StringValue("probe"))
        self.setattr_argument("repeat", NumberValue(3, step=1, precision=0))
        self.setattr_argument("times", Scannable(default=RangeScan(1e-6, 3e-6, 3), unit="us",
                                                 global_max=10e-6))
        self.setattr_argument("shuffled", Scannable(default=RangeScan(0, 4, 5, randomize=True, seed=7)))
        self.setattr_argument("around", Scannable(default=CenterScan(10, 4, 1)))
        self.detector = Detector(self)

    @kernel
    def pulse_lengths(self) -> TInt64:
        total = int64(0)
        for t in self.times.sequence:
            total += self.core.seconds_to_mu(t)
        return total

    def run(self):
        print(self.flag, self.label, self.repeat, len(self.times))
        print("times", list(self.times), self.times.describe()["ty"])
        print("shuffled", list(self.shuffled))
        print("around", list(self.around))
        for point in MultiScanManager(("a", ExplicitScan([1, 2])), ("b", NoScan(0, 2))):
            print(point)
        print("machine units in the scan:", self.pulse_lengths())
        self.call_child_method("report")
        print("children:", [type(c).__name__ for c in self.children])

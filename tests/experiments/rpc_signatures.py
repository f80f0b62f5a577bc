"""Host functions with keyword-only parameters, `*args` and `**kwargs`, called from kernels with
keywords and any number of extra arguments; host methods of several objects of one class (see
rpc_signatures.stdout)."""

from strobe import *


def describe(name, *values, scale=1, unit="", **options):
    print(f"describe {name} {[v * scale for v in values]} {unit!r} {sorted(options.items())}")


def total(*values) -> TInt32:
    return sum(values)


class Sensor:
    def __init__(self, name):
        self.name = name
        self.readings = []

    def record(self, value, *, label="plain"):
        self.readings.append((label, value))

    @rpc(flags={"async"})
    def note(self, *words):
        print(f"{self.name} notes {' '.join(words)}")


class RpcSignatures(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.a = Sensor("a")
        self.b = Sensor("b")

    @kernel
    def run(self):
        describe("none")
        describe("ints", 1, 2, 3)
        describe("scaled", 1.5, 2.5, scale=2.0, unit="V")
        describe("unit only", unit="s")
        describe("options", 4, unit="A", offset=1.5, note="x")
        print(total(), total(4), total(4, 5, 6))
        self.a.record(1)
        self.b.record(2, label="fast")
        self.a.record(3, label="slow")
        self.set_dataset("calibration", 0.25, broadcast=True, archive=False)
        self.set_dataset("ticks", 7)
        self.a.note("hello", "there")
        self.b.note()

    def analyze(self):
        print("a", self.a.readings)
        print("b", self.b.readings)
        print("calibration", self.get_dataset("calibration"), "ticks", self.get_dataset("ticks"))

# Inside a bundle the layouts of its objects are frozen: a kernel that reads an attribute the layout
# lacks, reaches a new object through a frozen one, or finds a value of another kind is refused with
# the attribute, the object, the bundle and both source lines; a bundle kernel called after such a
# change is refused too. The block goes on after each refusal, and leaving it releases everything.
from strobe import *


class Probe:
    def __init__(self):
        self.level = 1.5


class Rules(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.count = 3
        self.extra = 9
        self.probe = Probe()
        self.spare = Probe()

    @kernel
    def step(self):
        self.count += 1
        print("step", self.count, self.probe.level)

    @kernel
    def reads_extra(self):
        print(self.extra)

    @kernel
    def reads_probe_field(self):
        print(self.probe.unknown)

    @kernel
    def reaches_spare(self):
        print(self.spare.level)

    @kernel
    def reads_count(self):
        print("count is", self.count)

    def attempt(self, label, kernel):
        try:
            kernel()
            print(label, "ran")
        except Exception as e:
            print(f"{label}: {type(e).__name__}: {e}")

    def run(self):
        self.probe.unknown = 4
        with self.core.bundled(self.step):
            self.step()
            self.attempt("a new attribute", self.reads_extra)
            self.attempt("a field the frozen class lacks", self.reads_probe_field)
            self.attempt("a new object", self.reaches_spare)
            self.attempt("a frozen attribute, same kind", self.reads_count)
            self.count = "three"
            self.attempt("a changed kind, other kernel", self.reads_count)
            self.attempt("a changed kind, bundle kernel", self.step)
            self.count = 7
            kept = self.probe
            self.probe = Probe()
            self.attempt("another object in a frozen field", self.step)
            self.probe = kept
            self.step()
        self.attempt("after the block, a new attribute", self.reads_extra)

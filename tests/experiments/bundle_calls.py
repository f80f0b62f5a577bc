# A bundle compiles its kernels once on entering and keeps them resident: calls in the block compile
# nothing and send only the data bytes that changed; attributes are written back after every call,
# also when the kernel raises; other kernels in the block still work; leaving the block unpins.
# `core.precompile` gives a callable with a return value and the host values of the moment it was
# compiled (as ARTIQ's: a later change does not reach it, and it writes nothing back).
from strobe import *


class Bundled(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.gain = 2
        self.samples = [1, 2, 3]
        self.total = 0

    @kernel
    def accumulate(self):
        for s in self.samples:
            self.total += s * self.gain

    @kernel
    def scaled(self, x: TInt32) -> TInt32:
        return x * self.gain

    @kernel
    def set_total(self, x: TInt32):
        self.total = x

    @kernel
    def failing(self) -> TNone:
        self.total = -1
        raise ValueError("stopped")

    @kernel
    def report(self):
        print("report: gain", self.gain, "total", self.total)

    def figures(self):
        last = self.core._runner.last
        return f"{last['units_compiled']} compiled, {last['units_sent']} sent ({last['delivery']})"

    def pinned(self):
        return sum(1 for _, _, _, pin in self.core._runner.session.resident_units() if pin)

    def run(self):
        with self.core.bundled(self.accumulate, self.scaled, self.failing):
            print("entered; pinned units:", self.pinned() > 0)
            for gain in (2, 3, 4):
                self.gain = gain
                self.accumulate()
                print("total", self.total, "|", self.figures())
            self.samples = [10, 20]
            self.accumulate()
            print("total", self.total, "|", self.figures())
            print("scaled", self.scaled(5), self.scaled(7), "|", self.figures())
            try:
                self.failing()
            except ValueError as e:
                print("failing raised:", e, "; total written back:", self.total)
            self.report()
        print("left; pinned units:", self.pinned())
        self.total = 5
        bump = self.core.precompile(self.scaled, 100)
        print("precompiled:", bump(), "|", self.figures())
        self.gain = 7
        print("again with a new gain:", bump(), "|", self.figures())
        self.core.precompile(self.set_total, 99)()
        print("a precompiled kernel writes nothing back: total", self.total)

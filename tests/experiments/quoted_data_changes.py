# Host values are data: a call whose code is unchanged but whose values changed compiles no link unit
# and sends only the changed bytes (a longer or shorter list included); a value whose kernel type
# changes (an int becoming a string) compiles again.
from strobe import *


class QuotedData(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.values = [1, 2, 3]
        self.scale = 2
        self.tag = 7

    @kernel
    def total(self, offset: TInt64) -> TInt64:
        print("tag", self.tag)
        s = int64(0)
        for v in self.values:
            s += v * self.scale
        return s + offset

    def call(self, label, offset=0):
        result = self.total(offset)
        last = self.core._runner.last
        compiled = "compiled" if last["units_compiled"] else "no unit compiled"
        sent = f"{last['bytes']} bytes" if last["delivery"] == "patched" else ""
        print(f"{label}: {result}; {compiled}, {last['delivery']} {sent}".rstrip())

    def run(self):
        self.call("first call")
        self.call("same values")
        self.values = [4, 5, 6]
        self.call("new list values")
        self.scale = 3
        self.call("new scale")
        self.call("new argument", offset=100)
        self.values = [1] * 10
        self.call("a longer list")
        self.values = [7]
        self.call("a shorter list")
        self.values = [2 ** 40]
        self.call("an int beyond 32 bits (the list was int64 already)")
        self.tag = "seven"
        self.call("a string where an int was")

"""Host objects and ranges through RPCs, as ARTIQ's RoundtripTest and RPCTypesTest use them: an
`object()`, the experiment itself, lists and tuples holding objects go to host functions as the
same Python objects; ranges go both ways (see objects_and_ranges.stdout)."""

from strobe import *


class Token:
    pass


class ObjectsAndRanges(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.marker = object()
        self.tokens = [Token(), Token()]
        self.span = range(2, 20, 3)
        self.seen = []

    def accept(self, value):
        self.seen.append(value)

    def window(self, n: TInt32) -> TRange32:
        return range(n, 2 * n)

    def wide(self) -> TRange64:
        return range(0, 2 ** 40, 2 ** 38)

    @kernel
    def roundtrip(self, obj, fn):
        fn(obj)

    @kernel
    def send(self):
        self.accept(self.marker)
        self.accept(self)
        self.accept(self.tokens)
        self.accept((False, self.tokens[1], 7))
        self.accept(self.span)
        r = self.window(5)
        total = 0
        for i in r:
            total += i
        self.accept((r, total, len(self.wide())))

    def run(self):
        self.send()
        print("object:", self.seen[0] is self.marker)
        print("experiment:", self.seen[1] is self)
        print("list:", [a is b for a, b in zip(self.seen[2], self.tokens)])
        print("tuple:", self.seen[3][0], self.seen[3][1] is self.tokens[1], self.seen[3][2])
        print("range:", self.seen[4], self.seen[5])
        fresh = object()
        self.roundtrip(fresh, lambda back: print("roundtrip:", back is fresh))
        self.roundtrip((1, fresh), lambda back: print("roundtrip tuple:", back[1] is fresh))

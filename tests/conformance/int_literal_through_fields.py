"""An int literal passed to an annotated int64 parameter through an object held in a field: the
constructor's own literal argument must not force every literal to int32 first."""

from strobe import int64


class Counter:
    def add(self, x: int64):
        return x + int64(1)


class Holder:
    def __init__(self, index, counter):
        self.counter = counter
        if index == 0:
            self.n = 3

    def bump(self):
        return self.counter.add(100)


def main():
    h = Holder(0, Counter())
    c = h.counter
    print(h.bump(), c.add(5), h.n)


if __name__ == "__main__":
    main()

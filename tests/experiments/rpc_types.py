"""RPC round trips of every type both ways, and async RPCs kept in order (see rpc_types.stdout)."""

from strobe import *


def echo_int(x: TInt32) -> TInt32:
    return x + 1


def echo_int64(x) -> TInt64:
    return x * 2


def echo_float(x) -> TFloat:
    return x / 2


def echo_bool(x) -> TBool:
    return not x


def echo_str(x) -> TStr:
    return x.upper()


def echo_list(x) -> TList(TInt32):
    return x + [len(x)]


def echo_floats(x) -> TList(TFloat):
    return [v * 10 for v in x]


def echo_nested(x) -> TList(TList(TInt32)):
    return [list(reversed(row)) for row in x]


def echo_tuple(x) -> TTuple([TInt32, TStr, TFloat]):
    return (x[0] + 1, x[1] + "!", x[2] * 2)


def echo_strs(x) -> TList(TStr):
    return sorted(x)


def nothing(x) -> TNone:
    print("host got", x)


def inferred(x):
    """No annotation: the kernel's use of the result gives its type."""
    return x + 0.5


class RpcTypes(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.events = []

    @rpc(flags={"async"})
    def event(self, n, label):
        self.events.append((n, label))

    def sync_point(self, n) -> TInt32:
        self.events.append((n, "sync"))
        return len(self.events)

    @kernel
    def run(self):
        print(echo_int(41), echo_int64(int64(1) << 40), echo_float(5.0), echo_bool(False))
        print(echo_str("kernel"), echo_list([1, 2]), echo_floats([0.5, 0.25]))
        print(echo_nested([[1, 2], [3, 4, 5]]), echo_tuple((1, "a", 1.5)), echo_strs(["b", "a"]))
        nothing((1, [True, False], "z"))
        r = 0.0
        r = inferred(1.0)
        print(r)
        no_ints = [0]
        no_ints.pop()
        print(echo_list(no_ints))
        for i in range(5):
            self.event(i, "async")
            if i % 2 == 1:
                print("sync point after", self.sync_point(i), "events")

    def analyze(self):
        print(self.events)

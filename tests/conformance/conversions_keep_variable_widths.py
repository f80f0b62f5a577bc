# int64(n) of a variable converts it: n keeps the width its other uses give it (here int32).
# A literal combined with a generic function's int64 result is int64, even when the call's own
# arguments hold literals (a list of them) that must be typed first, or its body literals of its
# own.
from strobe import int32, int64


def count(xs):
    return int64(len(xs)) * 1000000


def big(flag, xs):
    i = abs(5)
    if flag:
        i = i + len(xs)
    print(i)
    return int64(692562026700)


def main():
    for k in range(-2, 0):
        print(int32((big(True, [1, 2]) & int64(k)) % 19997), big(False, [3]) % 1000)
    print(int32(count([7, -2]) % 19997), count([(1, 2)]) % 3000000001)
    n = -11
    m = int64(n) * 3000000000
    k = n + int32(1)
    small = [1, 2, 3]
    print(m, k, n in small, max(0, n), m // int64(n))
    x = 7
    y = int64(x) << 40
    print(y, x * x, int32(y % 1000))


if __name__ == "__main__":
    main()

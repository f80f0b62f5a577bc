# `is` on arrays and bytearrays is identity (each value is one object), as on lists; an array of
# more than one element tested by `and`/`or` raises numpy's ValueError at that line.
from numpy import array


def pick(first, second):
    return first if len(first) > len(second) else second


def main():
    a = array([1, 2, 3])
    b = a
    c = array([1, 2, 3])
    print(a is b, a is c, a is not c, pick(a, c) is c)
    ba = bytearray(b"xy")
    bb = bytearray(b"xy")
    print(ba is ba, ba is bb, ba is not bb)
    one = array([5])
    print(len(one or a), len(array([0]) or a), len(one and a))
    try:
        print(a and one)
    except ValueError as e:
        print("ValueError:", e)
    x = one or a
    y = a or one
    print(len(x), len(y))


main()

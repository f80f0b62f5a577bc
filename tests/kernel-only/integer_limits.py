# Where kernels' fixed-width integers differ from Python's unbounded ones, the difference is an
# exception, never a wrapped or truncated value: a float beyond int32/int64 raises OverflowError
# (CPython would give a big int), and a list whose size cannot fit the address space raises
# MemoryError at once (CPython would try to allocate it).
from numpy import int64


def main():
    for x in [1e20, -3e9, 2.0**31, -(2.0**31) - 0.5]:
        try:
            print(int(x))
        except OverflowError as e:
            print("OverflowError:", e)
    try:
        print(int64(1e19))
    except OverflowError as e:
        print("OverflowError:", e)
    for n in [1 << 30, 1 << 29, -5]:
        try:
            print(len([0.0, 1.0] * n))
        except MemoryError:
            print("MemoryError for", n)


if __name__ == "__main__":
    main()

# Arithmetic on literals is exact (widened to int64 when it needs it, never wrapped to 32 bits),
# len() of a str counts code points, abs() of a bool is an int, abs() of a literal takes the
# width its use gives it.
from strobe import int64


def main():
    n = 3
    print(n > 2**32, 2**32, 1 << 40, 2**31, 65536 * 65536, -(2**31), 2**31 - 1)
    big = 2**40
    print(big + 1, big // 3)
    print(len("héllo€😀"), len(""), len("abc"), len("naïve" + "€"))
    print(abs(True), abs(False), abs(-3), abs(-2.5), abs(True) + 1)
    print((abs(-7) if n > 2 else abs(2)) // int64(-5), abs(-3) * int64(3000000000))


if __name__ == "__main__":
    main()

from strobe import int64


def main():
    lo = int64(-9223372036854775808)
    hi = int64(9223372036854775807)
    print(lo, hi, lo + hi, hi - int64(1), -(lo + int64(1)))
    print(lo < hi, lo // int64(2), hi % int64(10))
    values = [lo, int64(0), hi]
    print(values, min(values), max(values))


if __name__ == "__main__":
    main()

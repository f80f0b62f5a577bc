# A middle operand of a chained comparison is evaluated once, and not at all past the first false link.
def g(v):
    print("g", v)
    return v


def h(v):
    print("h", v)
    return float(v)


def main():
    a = 3
    print(a >= g(1) < 5)
    print(a >= g(4) < 5)
    print(not (a >= g(2) < 1))
    print(1 < g(2) < g(3) < 4)
    print(1 < g(5) < g(3) < 4)
    print(0 < g(2) < h(3) <= 3.0)
    xs = [1, 2]
    print(0 < len(xs) < g(9))


if __name__ == "__main__":
    main()

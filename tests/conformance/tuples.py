def minmax(a, b):
    if a < b:
        return a, b
    return b, a

def main():
    t = (1, 2.5, "x")
    print(t, t[0], t[2], t[-1])
    lo, hi = minmax(9, 4)
    print(lo, hi)
    a, b = 1, 2
    a, b = b, a
    print(a, b)
    p = (3, 4) + (5,)
    print(p, len(p))


if __name__ == "__main__":
    main()

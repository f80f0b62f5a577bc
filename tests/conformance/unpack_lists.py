def pair():
    return [7, 8]


def main():
    [x, y] = [1, 2]
    print(x, y)
    a, b = pair()
    print(a, b)
    [p, q], r = [3, 4], 5
    print(p, q, r)
    for u, v in [[1, 2], [3, 4]]:
        print(u + v)
    try:
        m, n = [1, 2, 3]
    except ValueError as e:
        print("ValueError:", e)
    try:
        m, n, o = [1]
    except ValueError as e:
        print("ValueError:", e)
    m, n = [9, 10]
    print(m, n)


if __name__ == "__main__":
    main()

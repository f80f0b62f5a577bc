def main():
    a = [1, 2]
    b = [3, 4, 5]
    c = a + b
    print(c, len(c))
    z = [0] * 4
    print(z, [1, 2] * 2, 2 * [7], [9] * 0)
    print(3 in c, 8 in c, 8 not in c)
    print(min(c), max(c), min(4, 2, 8), max(1.5, 0.5))


if __name__ == "__main__":
    main()

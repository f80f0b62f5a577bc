def main():
    print([i for i in range(5)])
    print([i for i in range(2, 8)])
    print([i for i in range(10, 0, -3)])
    print([i for i in range(0)])
    print(len(range(10)), len(range(1, 10, 4)), len(range(5, 0, -1)))
    print(3 in range(5), 5 in range(5), 4 in range(0, 10, 2), 5 in range(0, 10, 2))
    r = range(3)
    for i in r:
        print(i, end=" ")
    print()


if __name__ == "__main__":
    main()

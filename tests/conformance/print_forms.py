def main():
    print()
    print(1, 2, 3, sep=", ")
    print("a", "b", sep="")
    print("no newline", end="")
    print(" then", end="!\n")
    no_ints: list[int] = []
    print([1, 2, 3], (1, 2), (5,), no_ints)
    print([[1, 2], [3]], [(1, 2.5)])
    print(None, True, [True, False])
    print(range(5), range(1, 10, 2))


if __name__ == "__main__":
    main()

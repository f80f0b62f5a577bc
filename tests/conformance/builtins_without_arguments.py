from strobe import int64


def main():
    print(int(), float(), bool(), str() == "", len(str()))
    count = int() + 5
    total = float() + 0.5
    wide = int64() + int64(7)
    print(count, total, wide, not bool())
    labels = [str() for i in range(3)]
    print(labels, str() + "x")


if __name__ == "__main__":
    main()

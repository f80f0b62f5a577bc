from strobe import int64

def main():
    big = int64(1) << 40
    print(big, big * 3, big // 7, big % 1000)
    x = int64(3000000000)
    y = x + int64(1)
    print(y, y - x)
    t: int64 = 5
    t = t * 1000000000
    print(t)
    print(10000000000 + int64(5))


if __name__ == "__main__":
    main()

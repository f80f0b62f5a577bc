from strobe import int64

def scale(v: int64, k: int64) -> int64:
    return v * k

def main():
    print(scale(int64(123456789), int64(1000)))
    acc = int64(0)
    for i in range(10):
        acc += int64(i) * int64(1000000000)
    print(acc)
    print(int(int64(42)), float(int64(7)))


if __name__ == "__main__":
    main()

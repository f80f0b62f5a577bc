def main():
    mask = 0
    for ch in [0, 3, 5]:
        mask |= 1 << ch
    print(mask, mask & 8, mask & 32, mask ^ 255)
    print(bin_count(mask))

def bin_count(v):
    n = 0
    while v:
        n += v & 1
        v >>= 1
    return n


if __name__ == "__main__":
    main()

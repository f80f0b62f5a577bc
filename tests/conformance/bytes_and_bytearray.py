def main():
    b = b"ab\x00\xff"
    print(len(b), b[0], b[-1], b[1:3] == b"b\x00", b + b"!" == b"ab\x00\xff!")
    ba = bytearray(b"xyz")
    ba[0] = 65
    print(ba[0], ba == b"Ayz", [x for x in ba])
    total = 0
    for v in b:
        total += v
    print(total, bytes([1, 2, 3])[2], len(bytearray()), bytes(range(3))[1])
    try:
        bytes([1, 300])
    except ValueError as e:
        print("ValueError:", e)
    try:
        ba[1] = -1
    except ValueError as e:
        print("ValueError:", e)
    try:
        b[10]
    except IndexError as e:
        print("IndexError:", e)
    if b:
        print("non-empty")
    if not bytes():
        print("truthiness")
    print(b[::-1][0], bytearray(b"abc")[1:][0])


if __name__ == "__main__":
    main()

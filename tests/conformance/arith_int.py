def main():
    a = 17
    b = 5
    print(a + b, a - b, a * b, a // b, a % b)
    print(-a // b, -a % b, a // -b, a % -b, -a // -b, -a % -b)
    print(a ** 2, 2 ** 10, -b)
    print(a & b, a | b, a ^ b, ~a, a << 3, a >> 2, -a >> 2)
    x = 7
    x += 3
    x *= 2
    x -= 1
    x //= 4
    x %= 3
    print(x)


if __name__ == "__main__":
    main()

def main():
    a = 7.5
    b = 2.0
    print(a + b, a - b, a * b, a / b, a // b, a % b)
    print(-a // b, -a % b, a // -b, a % -b)
    print(1 / 3, 2 / 3, 10 / 4, 7 / 7)
    print(2.0 ** 10, 0.5 ** 3, 1.5 ** -2)
    print(1 + 2.5, 3 * 0.1, 0.1 + 0.2)
    print(-0.0, 0.0, abs(-2.5), abs(-3))


if __name__ == "__main__":
    main()

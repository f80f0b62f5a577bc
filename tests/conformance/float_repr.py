def main():
    print(0.1, 1e-05, 0.0001, 1e16, 1e15, 1.5e16, 123.456)
    print(1e22, 1e-300, 2.5e-10, 100.0, 1234567.0)
    print(3.141592653589793, 2.718281828459045, 1.0 / 7.0)
    print(float(3), float(-2), float(10 ** 6))
    vals = [0.5, 0.25, 0.125]
    print(vals)


if __name__ == "__main__":
    main()

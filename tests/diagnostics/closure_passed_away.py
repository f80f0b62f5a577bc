def apply(f, x):
    return f(x)


def main():
    x = 7

    def add_x(v):
        return v + x

    print(apply(add_x, 1))


if __name__ == "__main__":
    main()

def apply(f, x):
    return f(x)


def twice(f, x):
    return apply(f, apply(f, x))


def inc(v):
    return v + 1


def compose_call(f, g, x):
    return f(g(x))


def main():
    print(apply(inc, 1), twice(inc, 5), apply(lambda v: v * 10, 3))
    print(twice(lambda s: s + "!", "hi"), compose_call(inc, lambda v: v * 2, 5))

    def square(v):
        return v * v

    print(apply(square, 7), twice(square, 3))
    k = 7

    def add_k(v):
        return v + k

    # A function using the variables of the one that defines it is called there.
    print(add_k(1), [apply(inc, i) for i in range(3)])


if __name__ == "__main__":
    main()

def apply(f, x):
    def square(v):
        return v * v

    if x > 100:
        return f(x)
    # Each call passes this call's own `square`: a new argument type every time.
    return apply(square, f(x))


def wrap(x, depth):
    if depth == 0:
        return 0
    return wrap([x], depth - 1)


def main():
    print(apply(lambda v: v + 1, 2))
    print(wrap(1, 3))


main()

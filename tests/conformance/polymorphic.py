def double(x):
    return x + x

def first(xs):
    return xs[0]

def main():
    print(double(21), double(1.25), double("ab"))
    print(first([1, 2]), first([2.5]), first(["s"]))


if __name__ == "__main__":
    main()

from strobe import *


def mix(a: TInt32, b: TFloat) -> TFloat:
    return a * b


def build(n: TInt32) -> TList(TInt32):
    return [n, n + 1]


def pair() -> TTuple([TInt32, TBool]):
    return (1, True)


def main():
    print(mix(3, 0.5), build(7), pair())


if __name__ == "__main__":
    main()

import math
from math import sqrt, floor, pi


def norm(x, y):
    return sqrt(x * x + y * y)


def main():
    print(norm(3.0, 4.0), sqrt(2.0), math.sqrt(16))
    print(floor(2.7), floor(-2.5), math.ceil(2.1), math.ceil(-2.9), math.fabs(-1.5))
    print(math.sin(0.0), math.cos(0.0), math.exp(0.0), math.log(1.0))
    print(pi, math.pi * 2, math.e)
    try:
        sqrt(-1.0)
    except ValueError as e:
        print("caught:", e)
    try:
        math.log(0.0)
    except ValueError as e:
        print("caught:", e)


if __name__ == "__main__":
    main()

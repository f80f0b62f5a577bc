class Calc:
    scale = 3

    def unit():
        return 2

    def twice(self, x):
        return x * 2 * Calc.scale


def apply_default(x, y=10):
    return x + y


def main():
    print(Calc.scale, Calc.unit(), Calc().twice(4))
    print((lambda: 1)())
    print((lambda x: x)(5))
    print((lambda x, y: x + y)(1, 2))
    print((lambda x, y=1: x + y)(1), (lambda x, y=1: x + y)(1, 2))
    print((lambda x, y=1: x + y)(x=3), (lambda x, y=1: x + y)(y=2, x=3))
    k = 4
    add_k = lambda v: v + k
    print(add_k(1))
    k = 40
    print(add_k(1))
    sq = lambda v: v * v
    print([sq(i) for i in range(4)], apply_default(sq(3)))
    if (lambda: True)():
        print("lambda in a condition")


if __name__ == "__main__":
    main()

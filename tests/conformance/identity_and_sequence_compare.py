class Box:
    def __init__(self, v):
        self.v = v


def main():
    a = [1, 2]
    b = [1, 2]
    c = a
    print(a is c, a is b, a is not b, a == b)
    x = Box(1)
    y = Box(1)
    z = x
    print(x is z, x is y, x is not y)
    one, two, zero, three, no = 1, 2, 0, 3, False
    print(one is one, one is not two, no is no, (zero and zero) is zero, len([1, 2, 3]) is three)
    print(bool(0) is no, int() is zero)
    # Sequences compare element by element, then by length.
    print([1, 2] == [1, 2], [1, 2] != [1, 3], [[0]] == [[0]], [[0]] != [[1]])
    print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9], [] < [1], [1] <= [1], [3] >= [4])
    print((1, 2) == (1, 2), (1, 2) < (1, 3), (2, "a") == (2, "a"), (2, "a") != (2, "b"))
    print((1, 2.5) <= (1, 2.5), (1, [2]) == (1, [2]), ([0],) != ([1],))
    e = []
    e.append(3)
    print(e == [3], e != [], [x * x for x in range(3)] == [0, 1, 4])
    words = ["b", "a"]
    print(words == ["b", "a"], words == ["a", "b"])
    print((1, 2) + (3.0,) == (1, 2, 3.0))


if __name__ == "__main__":
    main()

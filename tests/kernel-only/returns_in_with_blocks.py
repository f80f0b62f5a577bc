# A function whose every path returns inside a `with` block needs no return after it.


def first_even(xs: list[int]) -> int:
    with sequential:
        for x in xs:
            if x % 2 == 0:
                return x
        return -1


def main():
    print(first_even([3, 5, 8, 9]), first_even([1]))

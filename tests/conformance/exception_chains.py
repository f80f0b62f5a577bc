# An exception raised while handling others reports them first, as CPython does (the chain of
# `__context__`); handled ones that ended leave no trace.
class CustomError(Exception):
    pass


def fail(x):
    if x > 2:
        raise CustomError("deep")
    return 10 // x


def main():
    total = 0
    for i in range(3):
        try:
            total += fail(i)
        except ZeroDivisionError:
            total += 1
    print(total)
    try:
        fail(0)
    except ZeroDivisionError:
        try:
            fail(5)
        except CustomError as e:
            print("caught", e)
            values = [1, 2]
            print(values[7])


main()

# Faults that once gave silent wrong results or crashed are exceptions, as in CPython: a float
# that is NaN or infinite converted to an integer, int64 indexes beyond 32 bits, deep recursion.
from numpy import int64


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def mutual_even(n):
    return True if n == 0 else mutual_odd(n - 1)


def mutual_odd(n):
    return False if n == 0 else mutual_even(n - 1)


def attempt(k):
    huge = 1e308
    items = [1, 2, 3]
    try:
        if k == 0:
            print(int(huge * 10.0))
        elif k == 1:
            print(round(huge * 10.0 - huge * 10.0))
        elif k == 2:
            print(round(-huge * 10.0))
        elif k == 3:
            print(int64(huge * 10.0 - huge * 10.0))
        elif k == 4:
            items[(int64(1) << 32) + 2] = 99
        elif k == 5:
            print(items[-(int64(1) << 32) + 1])
        elif k == 6:
            print(items[int64(-1)], items[int64(2)])
        elif k == 7:
            print(depth(100000000))
        elif k == 8:
            print(mutual_even(100000000))
    except OverflowError as e:
        print("OverflowError:", e)
    except ValueError as e:
        print("ValueError:", e)
    except IndexError as e:
        print("IndexError:", e)
    except RecursionError:
        print("RecursionError")
    print(items)


def main():
    for k in range(9):
        attempt(k)
    # Recursion that fits runs as before.
    print(depth(500), mutual_even(501))
    print(int(2.7), int(-2.7), int64(-9.2e18), round(2.5), round(-3.5), int64(2.0**62))


if __name__ == "__main__":
    main()

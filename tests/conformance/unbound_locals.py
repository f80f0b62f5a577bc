# A local read before any assignment reached it raises UnboundLocalError, as in CPython; reads
# that every way through assigns first run as before.
def accumulate(n):
    for i in range(n):
        total = total + i
    return total


def after_empty_loop(n):
    for i in range(n):
        pass
    return i


def maybe(flag):
    if flag:
        value = 10
    return value


def assigned_on_every_path(flag):
    if flag:
        value = 1
    else:
        value = 2
    squares = [k * k for k in range(value + 2)]
    return value + len(squares)


def handler_binding():
    try:
        raise ValueError("x")
    except ValueError as e:
        seen = 1
    return seen


def attempt(k):
    try:
        if k == 0:
            print(accumulate(3))
        elif k == 1:
            print(after_empty_loop(0))
        elif k == 2:
            print(after_empty_loop(3))
        elif k == 3:
            print(maybe(True))
        elif k == 4:
            print(maybe(False))
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)


def main():
    for k in range(5):
        attempt(k)
    try:
        accumulate(1)
    except NameError:
        print("a NameError too")
    print(assigned_on_every_path(True), assigned_on_every_path(False), handler_binding())


if __name__ == "__main__":
    main()

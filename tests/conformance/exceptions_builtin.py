def main():
    try:
        x = 1 // 0
    except ZeroDivisionError as e:
        print("caught", e)
    try:
        xs = [1, 2]
        print(xs[5])
    except IndexError as e:
        print("index:", e)
    try:
        raise ValueError("bad value")
    except ValueError as e:
        print(e)
    try:
        print(1.0 / 0.0)
    except ZeroDivisionError as e:
        print(e)


if __name__ == "__main__":
    main()

def main():
    try:
        [1][3]
    except LookupError as e:
        print("lookup", e)
    try:
        1 % 0
    except ArithmeticError as e:
        print("arith", e)
    try:
        raise KeyError("k")
    except (ValueError, KeyError):
        print("tuple handler")
    try:
        raise RuntimeError("x")
    except Exception as e:
        print("base", e)
    try:
        raise ValueError
    except:
        print("bare except")


if __name__ == "__main__":
    main()

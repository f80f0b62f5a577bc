def f():
    try:
        raise IndexError("deep")
    except IndexError:
        print("logging")
        raise

def main():
    try:
        f()
    except IndexError as e:
        print("outer got", e)
    try:
        try:
            raise ValueError("a")
        except ValueError:
            raise RuntimeError("b")
    except RuntimeError as e:
        print("translated", e)


if __name__ == "__main__":
    main()

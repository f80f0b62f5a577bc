def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "large"

def main():
    for v in [-5, 0, 3, 42]:
        print(v, classify(v))
    x = 4
    y = "even" if x % 2 == 0 else "odd"
    print(y)


if __name__ == "__main__":
    main()

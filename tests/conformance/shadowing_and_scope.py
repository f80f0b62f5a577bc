x = 10

def f(x):
    return x + 1

def main():
    print(f(1), x)
    y = x * 2
    print(y)


if __name__ == "__main__":
    main()

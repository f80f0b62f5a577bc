def inner(x):
    if x == 3:
        raise ValueError("three")
    return x

def middle(x):
    try:
        return inner(x) * 2
    finally:
        print("middle finally", x)

def main():
    for i in range(5):
        try:
            print(middle(i))
        except ValueError as e:
            print("caught at top:", e)


if __name__ == "__main__":
    main()

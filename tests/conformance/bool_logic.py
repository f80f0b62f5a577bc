def main():
    t = True
    f = False
    print(t and f, t or f, not t, not f)
    print(1 < 2 < 3, 3 < 2 < 1, 1 == 1.0, 2 != 3)
    x = 5
    print(x > 3 and x < 10, x < 3 or x > 4)
    print(0 or 7, 3 and 4, 0 and 9)
    if not x == 4:
        print("not four")


if __name__ == "__main__":
    main()

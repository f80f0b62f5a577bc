def main():
    i = 0
    while i < 5:
        i += 1
        if i == 2:
            continue
        print(i)
    n = 10
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    print("steps", steps)


if __name__ == "__main__":
    main()

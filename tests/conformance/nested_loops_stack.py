def main():
    # Inner loops must not grow the stack on every outer iteration.
    xs = [1, 2]
    total = 0
    i = 0
    while i < 1500000:
        for v in xs:
            total += v
        i += 1
    print(total, i)


if __name__ == "__main__":
    main()

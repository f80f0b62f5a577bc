def main():
    total = 0
    scale = 3

    def add(v):
        return v * scale

    for i in range(4):
        total += add(i)
    print(total)

    def twice(v):
        return add(add(v))

    print(twice(2))


if __name__ == "__main__":
    main()

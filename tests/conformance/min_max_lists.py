def main():
    v = [4, -2, 9, 0]
    print(min(v), max(v))
    f = [2.5, -1.5]
    print(min(f), max(f))
    print(max(3, 7, 5), min(3.5, 1.25))


if __name__ == "__main__":
    main()

def main():
    sq = [i * i for i in range(6)]
    print(sq)
    even = [v for v in sq if v % 2 == 0]
    print(even)
    halves = [v / 2 for v in [1, 2, 3]]
    print(halves)


if __name__ == "__main__":
    main()

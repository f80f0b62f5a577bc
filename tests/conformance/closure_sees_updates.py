def main():
    offset = 1

    def shifted(v):
        return v + offset

    print(shifted(10))
    offset = 100
    print(shifted(10))


if __name__ == "__main__":
    main()

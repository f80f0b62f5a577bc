from strobe import kernel, portable


@portable
def scale(x, factor=2):
    return x * factor


class Counter:
    def __init__(self):
        self.n = 0

    @kernel
    def bump(self, by):
        self.n += scale(by)
        return self.n


@kernel
def main():
    c = Counter()
    c.bump(1)
    print(c.bump(3), scale(1.5), scale(2, factor=5))


if __name__ == "__main__":
    main()

class Counter:
    def __init__(self, start):
        self.value = start
        self.steps = 0

    def bump(self, by):
        self.value += by
        self.steps += 1
        return self.value

def main():
    c = Counter(10)
    c.bump(5)
    c.bump(2)
    print(c.value, c.steps)
    d = Counter(0)
    print(d.bump(1), c.value)


if __name__ == "__main__":
    main()

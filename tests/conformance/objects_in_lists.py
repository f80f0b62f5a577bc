class Channel:
    def __init__(self, number):
        self.number = number
        self.events = []

    def record(self, t):
        self.events.append(t)

def main():
    chans = [Channel(i) for i in range(3)]
    for c in chans:
        for k in range(c.number + 1):
            c.record(k * 10)
    for c in chans:
        print(c.number, c.events)


if __name__ == "__main__":
    main()

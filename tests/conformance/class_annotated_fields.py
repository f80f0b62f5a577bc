from strobe import int64

class Timer:
    def __init__(self):
        self.t: int64 = 0
        self.ticks = []

    def advance(self, dt: int64) -> int64:
        self.t += dt
        self.ticks.append(self.t)
        return self.t

def main():
    tm = Timer()
    tm.advance(int64(5000000000))
    tm.advance(int64(1))
    print(tm.t, tm.ticks)


if __name__ == "__main__":
    main()

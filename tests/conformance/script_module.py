# A kernel program written as a script: top-level statements run in order.
import math


class Counter:
    start = 10

    def __init__(self):
        self.n = Counter.start

    def bump(self, k):
        self.n += k
        return self.n


total = 0
for i in range(5):
    total += i
print("total", total)


def scaled(x):
    # A script's function sees the script's variables.
    return x * total


print(scaled(3), math.sqrt(16.0))
c = Counter()
c.bump(5)
print(c.n)
total = 100
print(scaled(2))

try:
    [1, 2][5]
except IndexError as e:
    print("caught", e)

if __name__ == "__main__":
    print("as __main__")

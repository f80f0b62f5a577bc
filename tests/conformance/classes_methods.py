class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def dot(self, other):
        return self.x * other.x + self.y * other.y

    def scaled(self, k):
        return Vec(self.x * k, self.y * k)

    def norm2(self):
        return self.dot(self)

def main():
    a = Vec(1.0, 2.0)
    b = a.scaled(3.0)
    print(b.x, b.y, a.dot(b), b.norm2())


if __name__ == "__main__":
    main()

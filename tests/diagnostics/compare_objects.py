class Point:
    def __init__(self, x):
        self.x = x


def main():
    a = Point(1)
    b = Point(2)
    if a < b:
        print("less")

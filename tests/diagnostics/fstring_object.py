class Point:
    def __init__(self, x):
        self.x = x


def main():
    p = Point(1)
    print(f"at {p}")

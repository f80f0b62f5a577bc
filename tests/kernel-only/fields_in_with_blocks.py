# Attributes assigned inside `with` blocks of `__init__` are fields like any other (they were missed once).


class Pulse:
    def __init__(self, width):
        with sequential:
            self.width = width
            with sequential:
                self.doubled = 2 * width


def main():
    p = Pulse(3)
    print(p.width, p.doubled)

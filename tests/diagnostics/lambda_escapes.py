def make_adder(k):
    return lambda x: x + k


def main():
    make_adder(1)

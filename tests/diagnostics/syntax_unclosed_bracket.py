def main():
    x = [1, 2,
    print(x)


def other():
    return 1

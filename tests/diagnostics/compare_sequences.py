def main():
    print([1, 2] == (1, 2))
    print((1, "a") < (1, "b"))

def main():
    pairs = [enumerate([1, 2])]

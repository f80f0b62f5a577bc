def main():
    s = str([1, 2])

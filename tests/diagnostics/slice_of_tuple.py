def main():
    t = (1, 2, 3)
    print(t[1:])
    n = 5
    print(n[::2])

def squares(n):
    out = []
    for i in range(n):
        out.append(i * i)
    return out

def main():
    s = squares(20)
    print(s)
    print(len(s), s[-2])
    big = []
    for i in range(1000):
        big.append(i)
    print(len(big), big[999])


if __name__ == "__main__":
    main()

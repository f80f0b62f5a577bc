def main():
    xs = []
    if not xs:
        print("empty list is false")
    xs.append(0)
    if xs:
        print("non-empty list is true")
    s = ""
    print("yes" if s else "no")
    n = 0.0
    while not n:
        n += 1.5
    print(n)


if __name__ == "__main__":
    main()

def fill(xs, v):
    for i in range(len(xs)):
        xs[i] = v

def main():
    a = [1, 2, 3]
    b = a
    fill(b, 7)
    print(a)
    b.append(8)
    print(len(a), a)


if __name__ == "__main__":
    main()

def mean(xs):
    s = 0.0
    for x in xs:
        s += x
    return s / len(xs)

def main():
    data = [1.0, 2.0, 4.0, 8.0]
    print(mean(data))
    data.append(16.0)
    print(mean(data), data)


if __name__ == "__main__":
    main()

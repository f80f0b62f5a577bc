def main():
    r = range(10)
    print(r.start, r.stop, r.step)
    s = range(2, 20, 3)
    print(s.start, s.stop, s.step, len(s))
    t = range(5)
    print(t.stop + 1, [i for i in range(t.stop)])
    x = list()
    x.append(1)
    print(x, list(range(4)), list([1, 2]) == [1, 2])
    y = [1, 2, 3]
    z = list(y)
    z.append(4)
    print(y, z, z is y)
    print(list(range(3, 0, -1)), [len(list(range(n))) for n in range(4)])


if __name__ == "__main__":
    main()

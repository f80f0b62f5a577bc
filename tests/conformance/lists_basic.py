def main():
    xs = [3, 1, 4, 1, 5]
    print(xs, len(xs), xs[0], xs[-1], xs[2])
    xs[1] = 9
    xs.append(2)
    print(xs)
    last = xs.pop()
    print(last, xs)
    total = 0
    for v in xs:
        total += v
    print(total)


if __name__ == "__main__":
    main()

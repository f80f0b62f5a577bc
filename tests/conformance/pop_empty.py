def main():
    xs = [1]
    print(xs.pop())
    try:
        xs.pop()
    except IndexError as e:
        print(e)
    try:
        xs[0] = 3
    except IndexError as e:
        print(e)


if __name__ == "__main__":
    main()

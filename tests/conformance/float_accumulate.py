def main():
    t = 0.0
    for i in range(10):
        t += 0.1
    print(t)
    x = 1.0
    for i in range(20):
        x = x / 3.0 + 1.0
    print(x)


if __name__ == "__main__":
    main()

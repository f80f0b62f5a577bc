def main():
    acc = 0
    for i in range(100000):
        acc = (acc + i * 7) % 1000003
    print(acc)


if __name__ == "__main__":
    main()

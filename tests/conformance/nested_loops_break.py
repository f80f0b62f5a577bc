def main():
    count = 0
    for i in range(5):
        for j in range(5):
            if j > i:
                break
            if (i + j) % 2 == 1:
                continue
            count += 1
    print(count)


if __name__ == "__main__":
    main()

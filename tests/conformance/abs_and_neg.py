def main():
    print(abs(-5), abs(5), abs(-0.5), -(-3), +4)
    x = -7
    print(-x, abs(x) // 2)


if __name__ == "__main__":
    main()

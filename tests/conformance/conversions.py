def main():
    print(int(3.9), int(-3.9), int(True), float(2), bool(0), bool(3), bool(0.0), bool(""), bool("x"))
    print(str(42), str(-1.5), str(True), str(None), str("s"))
    print(int(7 / 2), float(7 // 2))


if __name__ == "__main__":
    main()

def main():
    print(1 < 2, 2 <= 2, 3 > 4, 4 >= 4, 5 == 5, 5 != 5)
    print(1.5 < 2, 2 > 1.5, 2.0 == 2)
    print("a" == "a", "a" != "b", "abc" == "abd")
    print(True == False, True != False)
    a = 3
    print(1 < a <= 3, 1 < a < 3)


if __name__ == "__main__":
    main()

def main():
    x = 3
    print("checking")
    assert x == 4, "x must be 4"

if __name__ == "__main__":
    main()

def main():
    s = "hello"
    t = s + ", " + "world"
    print(t, len(t))
    print("x" + str(3) + str(2.5))
    empty = ""
    print(len(empty), empty == "")
    print("quote's", "tab\there")
    words = ["a", "b'c", "d\"e"]
    print(words)


if __name__ == "__main__":
    main()

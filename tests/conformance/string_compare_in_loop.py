def count(words, target):
    n = 0
    for w in words:
        if w == target:
            n += 1
    return n

def main():
    ws = ["ion", "atom", "ion", "qubit"]
    print(count(ws, "ion"), count(ws, "x"))


if __name__ == "__main__":
    main()

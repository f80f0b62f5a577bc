def find(xs, target):
    for i in range(len(xs)):
        if xs[i] == target:
            print("found at", i)
            break
    else:
        print("not found")

def main():
    find([1, 2, 3], 2)
    find([1, 2, 3], 5)
    k = 0
    while k < 3:
        k += 1
    else:
        print("while done", k)


if __name__ == "__main__":
    main()

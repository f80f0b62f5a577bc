def show(a, b):
    print(a, b, a // b, a % b)

def main():
    for a in range(-7, 8, 3):
        for b in [-3, -2, 2, 3]:
            show(a, b)


if __name__ == "__main__":
    main()

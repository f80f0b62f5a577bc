def ratio(a, b):
    return a // b

def main():
    print(ratio(10, 3))
    print(ratio(1, 0))

if __name__ == "__main__":
    main()

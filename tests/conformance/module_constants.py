N = 4
SCALE = 2.5
NAME = "trap"
PAIR = (1, 2)
BIG = 1 << 20
NEG = -3

def main():
    print(N * SCALE, NAME, PAIR, BIG, NEG)
    total = 0
    for i in range(N):
        total += i
    print(total)


if __name__ == "__main__":
    main()

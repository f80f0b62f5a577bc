def area(w: float, h: float) -> float:
    return w * h

def count_up(n: int) -> list[int]:
    out = []
    for i in range(n):
        out.append(i)
    return out

def describe(n: int, label: str) -> str:
    return label + "=" + str(n)

def main():
    print(area(2.0, 3.5))
    print(count_up(4))
    print(describe(5, "n"))


if __name__ == "__main__":
    main()

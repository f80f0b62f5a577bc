def main():
    print(sum([1, 2, 3]), sum([0.5, 0.25]), sum([x * x for x in range(5)]))
    print(round(2.5), round(3.5), round(-2.5), round(2.4), round(-0.6), round(7))
    readings = [1.2, 3.4, 5.6]
    print(round(sum(readings) / len(readings)))


if __name__ == "__main__":
    main()

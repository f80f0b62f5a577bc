def pulse(width, count=3, gap=1.5):
    return width * count + gap

def main():
    print(pulse(2))
    print(pulse(2, 4))
    print(pulse(2, gap=0.5))
    print(pulse(width=1, count=1, gap=0.0))


if __name__ == "__main__":
    main()

def main():
    n = 3
    x = 2.5
    name = "ion"
    print(f"n={n} x={x} name={name}")
    print(f"{n + 1} items, {n * x} total, ok={n > 2}")
    print(f"plain")


if __name__ == "__main__":
    main()

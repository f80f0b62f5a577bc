def main():
    channels = [3.5, 1.25, 7.0]
    for i, v in enumerate(channels):
        if i == 1:
            continue
        print(i, v)
    weighted = [i * v for i, v in enumerate(channels)]
    print(weighted)
    names = ["a", "b"]
    for k, name in enumerate(names):
        print(k, name)
    else:
        print("done")


if __name__ == "__main__":
    main()

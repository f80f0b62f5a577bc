def main():
    chunks = []
    try:
        while True:
            chunks.append([0.0] * 100000)
    except MemoryError:
        print("out of memory after some chunks:", len(chunks) > 5)


if __name__ == "__main__":
    main()

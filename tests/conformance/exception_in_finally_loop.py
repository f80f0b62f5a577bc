def main():
    done = []
    for i in range(4):
        try:
            try:
                if i % 2 == 0:
                    raise ValueError(str(i))
                done.append(i)
            finally:
                done.append(100 + i)
        except ValueError as e:
            done.append(-1)
    print(done)


if __name__ == "__main__":
    main()

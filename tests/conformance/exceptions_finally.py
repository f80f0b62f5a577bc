def risky(n):
    try:
        if n == 1:
            raise ValueError("one")
        print("body", n)
    except ValueError as e:
        print("handler", e)
    else:
        print("else", n)
    finally:
        print("finally", n)

def early(n):
    try:
        if n > 0:
            return n * 2
        return -1
    finally:
        print("cleanup", n)

def main():
    risky(0)
    risky(1)
    print(early(5), early(0))
    for i in range(3):
        try:
            if i == 1:
                continue
            print("loop", i)
        finally:
            print("after", i)


if __name__ == "__main__":
    main()

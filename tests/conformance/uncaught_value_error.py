def validate(v):
    if v < 0:
        raise ValueError("negative input: " + str(v))
    return v

def main():
    print("start")
    validate(3)
    validate(-2)
    print("unreachable")

if __name__ == "__main__":
    main()

def main():
    try:
        print("try")
        raise RuntimeError("boom")
    finally:
        print("finally runs first")

if __name__ == "__main__":
    main()

def main():
    try:
        try:
            raise KeyError("inner")
        except ValueError:
            print("wrong handler")
        finally:
            print("inner finally")
    except KeyError as e:
        print("outer caught", e)
    try:
        try:
            print("no error")
        finally:
            print("f1")
    finally:
        print("f2")


if __name__ == "__main__":
    main()

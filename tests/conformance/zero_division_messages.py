def main():
    cases = 0
    try:
        1 // 0
    except ZeroDivisionError as e:
        print(e)
    try:
        1 % 0
    except ZeroDivisionError as e:
        print(e)
    try:
        1 / 0
    except ZeroDivisionError as e:
        print(e)
    try:
        1.0 // 0.0
    except ZeroDivisionError as e:
        print(e)
    try:
        1.0 % 0.0
    except ZeroDivisionError as e:
        print(e)


if __name__ == "__main__":
    main()

class PulseError(Exception):
    pass

class TooLong(PulseError):
    pass

def check(width):
    if width > 10:
        raise TooLong("width " + str(width) + " too long")
    if width < 0:
        raise PulseError("negative width")
    return width

def main():
    for w in [5, 20, -1]:
        try:
            print("ok", check(w))
        except TooLong as e:
            print("too long:", e)
        except PulseError as e:
            print("pulse error:", e)


if __name__ == "__main__":
    main()

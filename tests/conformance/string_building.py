def join(words, sep):
    out = ""
    first = True
    for w in words:
        if not first:
            out = out + sep
        out = out + w
        first = False
    return out

def main():
    print(join(["a", "b", "c"], "-"))
    nothing: list[str] = []
    print(join(nothing, ","))
    label = "ch" + str(3) + ":" + str(1.5)
    print(label, len(label))


if __name__ == "__main__":
    main()

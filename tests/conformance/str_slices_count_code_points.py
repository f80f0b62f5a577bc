# String slices count code points, as len() does: non-ASCII text slices whole characters.
def main():
    t = "abhéllo€😀z"
    print(len(t), t[1:4], t[::-1], t[::2], t[1::3], t[-3:], t[:-2], t[-2:-6:-1], t[8:100], t[5:2])
    print(t[::-2], t[-1:], t[::-1][::-1] == t, len(t[2:9]))
    ascii = "kernel"
    print(ascii[1:4], ascii[::-1], ascii[::-3], ascii[10:], len(ascii[:0]))
    e = ""
    print(e[::-1] == "", len(e[1:2]))


if __name__ == "__main__":
    main()

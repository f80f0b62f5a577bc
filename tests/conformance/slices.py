def main():
    lst = list(range(10))
    print(lst[0:1], lst[0:2], lst[0:10] == lst, lst[1:-1] == lst[1:9])
    print(lst[0:1:2], lst[0:2:2], lst[0:3:2], lst[::3], lst[::-1], lst[::-3])
    print(lst[5:], lst[:5], lst[-3:], lst[:-3], lst[100:], lst[-100:2], lst[8:2:-2], lst[2:8:-1])
    print(lst[-1:-11:-1], lst[3:3], lst[7:3], lst[:], lst[::1] is lst)
    n = 2
    print(lst[n:n + 3], lst[n * 2::n])
    s = "hello, world"
    print(s[0:5], s[7:], s[::-1], s[::2], s[-5:-1], s[100:], s[3:1], len(s[2:9:3]))
    a = [0, 0, 0, 0, 0]
    a[0:5:2] = [1, 2, 3]
    print(a)
    a[1:3] = [7, 8, 9, 10]
    print(a, len(a))
    a[2:] = []
    print(a)
    a[:0] = [5]
    print(a)
    a[::-1] = a
    print(a)
    b = a
    b[1:2] = [42]
    print(a is b, a)
    nested = [[1, 2], [3, 4], [5, 6]]
    print(nested[1:], nested[::-2][0][1:])
    try:
        lst[::0]
    except ValueError as e:
        print("ValueError:", e)
    try:
        a[::2] = [1, 2, 3, 4]
    except ValueError as e:
        print("ValueError:", e)
    words = ["a", "b", "c", "d"]
    print(words[1:3], words[-2:], words[::2])


if __name__ == "__main__":
    main()

def schedule(n, period):
    times = []
    t = 0
    for i in range(n):
        times.append(t)
        t += period
    return times

def main():
    print(schedule(5, 8))
    s = schedule(3, 100)
    print(s[0] + s[1] + s[2])


if __name__ == "__main__":
    main()

def check(values):
    for v in values:
        if v < 0:
            raise ValueError("negative")
    return len(values)


print(check([1, 2]))
check([3, -1])
print("not reached")

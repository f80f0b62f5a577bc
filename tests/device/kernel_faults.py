# Faults that once wedged the device are exceptions: recursion too deep for the kernel's stack
# (RecursionError) and an allocation whose size cannot fit (MemoryError).
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def main():
    print(depth(2000))
    try:
        depth(1000000)
    except RecursionError:
        print("RecursionError caught")
    try:
        x = [0] * 1073741824
        print(len(x))
    except MemoryError:
        print("MemoryError caught")
    depth(1000000)

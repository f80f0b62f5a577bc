from strobe import int64

def main():
    t = int64(1000)
    n = len([1, 2, 3])
    print(t + n)

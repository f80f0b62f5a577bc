from strobe import int64

def at(t: int64) -> int64:
    return t

def main():
    k = len([1])
    at(k)

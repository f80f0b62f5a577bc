from strobe import int64

def main():
    n = len([1])
    n = int64(5)

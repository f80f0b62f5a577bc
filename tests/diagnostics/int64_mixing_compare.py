from strobe import int64

def main():
    deadline = int64(5000000000)
    i = 0
    while i < len([1, 2]):
        i += 1
    if i < deadline:
        print("early")

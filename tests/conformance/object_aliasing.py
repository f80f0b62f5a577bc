class Box:
    def __init__(self):
        self.v = 0

def set_box(b, v):
    b.v = v

def main():
    a = Box()
    b = a
    set_box(b, 42)
    print(a.v)


if __name__ == "__main__":
    main()

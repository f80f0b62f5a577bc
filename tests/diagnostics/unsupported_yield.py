def gen():
    yield 1

def main():
    gen()

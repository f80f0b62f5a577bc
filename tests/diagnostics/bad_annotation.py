def f(x: dict) -> int:
    return 0

def main():
    f(1)

def f(*args):
    return 0

def main():
    f(1, 2)

import math


@kernel
def main():
    print(math.gamma(2.0))

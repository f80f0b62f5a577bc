def main():
    x = 2**70
    print(x)

def main():
    f = lambda x: x + 1

def main():
    def inner():
        return 1
    return inner

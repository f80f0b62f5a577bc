def main():
    with open("f") as fh:
        pass

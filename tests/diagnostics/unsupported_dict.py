def main():
    d = {"a": 1}

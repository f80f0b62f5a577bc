def main():
    print("a" - "b")

def main():
    print(len([1], [2]))

def main():
    x = 1
    print(x)
    x = "text"

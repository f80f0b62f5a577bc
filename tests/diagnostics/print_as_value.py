def main():
    y = print("x")

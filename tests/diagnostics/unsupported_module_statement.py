print("hello")

def main():
    pass

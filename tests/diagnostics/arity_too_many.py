def pulse(width):
    return width

def main():
    pulse(1, 2)

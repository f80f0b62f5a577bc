def pulse(width):
    return width

def main():
    pulse(width=1, duration=2)

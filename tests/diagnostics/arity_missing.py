def pulse(width, gap):
    return width + gap

def main():
    pulse(1)

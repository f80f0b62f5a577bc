counter = 0

def main():
    global counter
    counter += 1

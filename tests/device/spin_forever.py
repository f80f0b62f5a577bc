# A kernel that never ends on its own: only a stop ends it.
def main():
    x = 0
    print("spinning")
    while True:
        x += 1

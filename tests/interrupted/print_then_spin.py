# Prints past the runtime's 4 KiB output buffer (so the first lines arrive), then a last line that
# stays buffered, then never ends: Ctrl-C must still bring the last line out.
def main():
    for i in range(300):
        print("line", i, "of the output before the loop")
    print("the last line before the loop")
    x = 0
    while True:
        x += 1

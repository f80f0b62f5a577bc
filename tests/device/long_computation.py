# Computes for well over the host's 10 s limit of silence on the simulator (about 15 million
# cycles), printing only at the end: its heartbeats keep the host waiting for it.
def main():
    print("computing")
    total = 0
    for i in range(200000):
        total = (total + (i % 1000) * (i % 1000)) % 1000003
    print("total", total)

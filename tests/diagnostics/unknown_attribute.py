class Dds:
    def __init__(self):
        self.freq = 1.0

def main():
    d = Dds()
    print(d.amplitude)

class Dds:
    def __init__(self):
        self.freq = 1.0

    def set(self, a):
        self.amp = a

def main():
    d = Dds()
    d.set(0.5)

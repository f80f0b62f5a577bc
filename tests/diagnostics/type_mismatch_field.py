class Ttl:
    def __init__(self):
        self.state = False

def main():
    t = Ttl()
    t.state = 3.0

class E(Exception):
    def code(self):
        return 1

def main():
    raise E("x")

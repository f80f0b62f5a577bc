class C:
    def m(self):
        return 1

def main():
    c = C()
    f = c.m

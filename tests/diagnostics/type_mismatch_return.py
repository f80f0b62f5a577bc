def pick(flag):
    if flag:
        return 1
    return 2.5

def main():
    print(pick(True))

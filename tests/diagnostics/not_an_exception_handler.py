class C:
    pass

def main():
    try:
        pass
    except C:
        pass

# A kernel that never ends, spending its time in a firmware call (reading the RTIO counter).
def main():
    print("spinning")
    t0 = rtio_get_counter()
    while rtio_get_counter() - t0 >= int64(0):
        pass

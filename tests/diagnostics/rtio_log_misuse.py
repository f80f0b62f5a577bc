def main():
    rtio_log()
    rtio_log("a", 1, sep="-")
    x = rtio_log("b")

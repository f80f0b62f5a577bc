def main():
    rtio_log("point", 1)
    y = rtio_log("b")

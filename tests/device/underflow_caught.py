from strobe.coredevice.rtio import rtio_output


def main():
    at_mu(rtio_get_counter() - 1000)
    try:
        rtio_output(0, 1)
    except RTIOUnderflow as e:
        print("caught:", e)
    at_mu(rtio_get_counter() + 10000)
    rtio_output(0, 1)
    delay_mu(10)
    rtio_output(0, 0)
    print("still running")

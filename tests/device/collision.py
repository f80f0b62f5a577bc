from strobe.coredevice.rtio import rtio_output


def main():
    delay(1e-3)
    for i in range(2):
        rtio_output(4, 1)
        delay_mu(1)
        rtio_output(4, 0)
        delay_mu(1)
    print("done")

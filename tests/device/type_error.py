from strobe.coredevice.rtio import rtio_output


def main():
    rtio_output(0, 1)
    delay_mu(1.5)

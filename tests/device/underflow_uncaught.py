from strobe.coredevice.rtio import rtio_output


def pulse(channel: int32, duration: int64):
    rtio_output(channel, 1)
    delay_mu(duration)
    rtio_output(channel, 0)


def main():
    delay_mu(-200000)
    pulse(5, int64(100))

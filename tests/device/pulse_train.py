from strobe.coredevice.rtio import rtio_output


def main():
    channel = 3
    t0 = now_mu()
    print(t0)
    for i in range(10):
        rtio_output(channel, 1)
        delay_mu(100)
        rtio_output(channel, 0)
        delay_mu(100)

from strobe.coredevice.rtio import rtio_output


def pulse_mu(channel, duration):
    rtio_output(channel, 1)
    delay_mu(duration)
    rtio_output(channel, 0)


def main():
    t0 = now_mu()
    print(t0)
    with parallel:
        pulse_mu(0, int64(500))
        with sequential:
            pulse_mu(1, int64(100))
            delay_mu(100)
            pulse_mu(1, int64(100))
    pulse_mu(2, int64(50))
    print(now_mu() - t0)

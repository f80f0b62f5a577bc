# A kernel that never ends, writing events far ahead of the RTIO counter: the fast window's roomy
# flag is set again after every kernel tick, so each tick with work for the host defers it a tick.
from strobe.coredevice.rtio import rtio_output


def main():
    print("spinning")
    while True:
        rtio_output(0, 1)
        delay_mu(4000)
        rtio_output(0, 0)
        delay_mu(4000)

"""Blink TTL output 0 on the core device: five 1 us pulses, 2 us apart, through the RTIO system call
(standalone programs have no device database; experiments use the drivers).

    strobe run tests/device/blink_program.py --trace -
"""

from strobe import us
from strobe.coredevice.rtio import rtio_output


def main():
    t0 = now_mu()
    for i in range(5):
        rtio_output(0, 1)
        delay(1 * us)
        rtio_output(0, 0)
        delay(1 * us)
    print("blinked 5 times, starting at", t0)


if __name__ == "__main__":
    main()

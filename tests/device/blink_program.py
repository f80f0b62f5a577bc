"""Blink a TTL output on the core device: five 1 us pulses, 2 us apart.

    strobe run tests/device/blink_program.py --trace -
"""

from strobe import us
from strobe.devices import TTLOut


def main():
    led = TTLOut(0)
    t0 = now_mu()
    for i in range(5):
        led.pulse(1 * us)
        delay(1 * us)
    print("blinked 5 times, starting at", t0)


if __name__ == "__main__":
    main()

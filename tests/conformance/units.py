from strobe import *
from strobe import us as microsecond


def cycles(duration, frequency):
    return round(duration * frequency)


def main():
    print(ps, ns, us, ms, s)
    print(mHz, Hz, kHz, MHz, GHz)
    print(mV, V, dB)
    print(10 * us, 2.5 * MHz, microsecond == us)
    print(cycles(1 * ms, 125 * MHz), cycles(8 * ns, 1 * GHz))


if __name__ == "__main__":
    main()

"""A standalone kernel program: build a pulse schedule, check it, and print it.

Run it on the host CPU's emulation of the core device's ISA with `strobe exec examples/pulse_schedule.py`
and compare with `python3 examples/pulse_schedule.py`: the output is identical.
"""

from strobe import int64

PERIOD_MU = 1000
WIDTH_MU = 120


class Pulse:
    def __init__(self, channel, start, width):
        self.channel = channel
        self.start: int64 = start
        self.width = width

    def end(self) -> int64:
        return self.start + int64(self.width)


class ScheduleError(Exception):
    pass


def train(channel: int, count: int, t0: int64) -> list[Pulse]:
    pulses = []
    t = t0
    for i in range(count):
        pulses.append(Pulse(channel, t, WIDTH_MU + 10 * i))
        t += int64(PERIOD_MU)
    return pulses


def check_no_overlap(pulses: list[Pulse]) -> None:
    for i in range(1, len(pulses)):
        if pulses[i].start < pulses[i - 1].end():
            raise ScheduleError(f"pulse {i} starts before pulse {i - 1} ends")


def main():
    schedule = train(0, 5, int64(8000000000))
    check_no_overlap(schedule)
    for p in schedule:
        print(f"ch{p.channel} t={p.start} width={p.width}")
    duty = sum_widths(schedule) / (len(schedule) * PERIOD_MU)
    print("duty cycle:", duty)
    bad = train(1, 2, int64(0))
    bad[1].start = int64(50)
    try:
        check_no_overlap(bad)
    except ScheduleError as e:
        print("rejected:", e)


def sum_widths(pulses):
    total = 0
    for p in pulses:
        total += p.width
    return total


if __name__ == "__main__":
    main()

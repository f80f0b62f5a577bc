"""The host timeline of simulated kernels: nested sequential and parallel blocks over one clock,
and the events devices record on it."""

from operator import itemgetter

from .. import language


class _Sequential:
    """A block whose statements follow one another: each advances the clock."""

    def __init__(self, start):
        self.now = start
        self.duration = 0

    def advance(self, amount):
        self.now += amount
        self.duration += amount


class _Parallel:
    """A block whose statements all start at its start: it lasts as long as the longest."""

    def __init__(self, start):
        self.now = start
        self.duration = 0

    def advance(self, amount):
        self.duration = max(self.duration, amount)


class Manager:
    """The clock (in machine units, seconds here) and the events recorded on it."""

    def __init__(self):
        self.stack = [_Sequential(0)]
        self.timeline = []

    def enter_sequential(self):
        self.stack.append(_Sequential(self.get_time_mu()))

    def enter_parallel(self):
        self.stack.append(_Parallel(self.get_time_mu()))

    def exit(self):
        block = self.stack.pop()
        self.take_time(block.duration)

    def take_time_mu(self, duration):
        self.stack[-1].advance(duration)

    take_time = take_time_mu

    def get_time_mu(self):
        return self.stack[-1].now

    def set_time_mu(self, t):
        step = t - self.get_time_mu()
        if step < 0:
            raise ValueError("the simulated timeline cannot go back in time")
        self.take_time(step)

    def event(self, description):
        """Records `description` (a tuple) at the current time."""
        self.timeline.append((self.get_time_mu(), description))

    def format_timeline(self):
        """One line per event, in time order: its time, the time since the previous one, and
        its description's items in columns."""
        lines = []
        previous = 0
        for at, description in sorted(self.timeline, key=itemgetter(0)):
            columns = "".join(f"{str(item):16}" for item in description)
            lines.append(f"@{at:.9f} (+{at - previous:.9f}) {columns}")
            previous = at
        return "".join(line + "\n" for line in lines)


manager = Manager()
language.set_time_manager(manager)

"""Scans, as ARTIQ's ``artiq.language.scan``: an argument declared with ``Scannable`` takes a scan
object, which iterates over the points of a one-dimensional sweep.

Every scan object holds its points in ``sequence`` (a list), so a kernel reads ``self.scan.sequence``;
on the host, ``for x in self.scan`` and ``len(self.scan)`` work as in ARTIQ, and iterating twice (or
in nested loops) yields the same points each time. ``describe()`` gives the dict form a command line
or a user interface sends back (``{"ty": "RangeScan", "start": 0, ...}``), which ``Scannable``
turns into a scan object again.
"""

import itertools

from .arguments import ArgumentError, NoDefault, _Processor, scale_of

__all__ = ["ScanObject", "NoScan", "RangeScan", "CenterScan", "ExplicitScan", "Scannable",
           "MultiScanManager"]


class ScanObject:
    """A one-dimensional sweep: its points are ``sequence``."""

    sequence = ()

    def __iter__(self):
        return iter(self.sequence)

    def __len__(self):
        return len(self.sequence)

    def describe(self):
        raise NotImplementedError


def _shuffled(points, randomize, seed):
    if randomize:
        import random  # only shuffled scans need it

        random.Random(seed).shuffle(points)
    return points


class NoScan(ScanObject):
    """One value, `repetitions` times."""

    def __init__(self, value, repetitions=1):
        self.value = value
        self.repetitions = repetitions
        self.sequence = [value] * repetitions

    def describe(self):
        return {"ty": "NoScan", "value": self.value, "repetitions": self.repetitions}


class RangeScan(ScanObject):
    """`npoints` evenly spaced values from `start` to `stop` (both included); in a random order,
    reproducible with `seed`, when `randomize` is set."""

    def __init__(self, start, stop, npoints, randomize=False, seed=None):
        self.start, self.stop, self.npoints = start, stop, npoints
        self.randomize, self.seed = randomize, seed
        if npoints <= 0:
            points = []
        elif npoints == 1:
            points = [start]
        else:
            step = (stop - start) / (npoints - 1)
            points = [start + i * step for i in range(npoints)]
        self.sequence = _shuffled(points, randomize, seed)

    def describe(self):
        return {"ty": "RangeScan", "start": self.start, "stop": self.stop, "npoints": self.npoints,
                "randomize": self.randomize, "seed": self.seed}


class CenterScan(ScanObject):
    """Values `step` apart around `center`, within `span` of it (center first, then alternately
    below and above); in a random order when `randomize` is set."""

    def __init__(self, center, span, step, randomize=False, seed=None):
        self.center, self.span, self.step = center, span, step
        self.randomize, self.seed = randomize, seed
        if step == 0:
            points = []
        else:
            n = 1 + int(span / (2.0 * step))
            points = [center + sign * i * step for i in range(n) for sign in (-1, 1)][1:]
        self.sequence = _shuffled(points, randomize, seed)

    def describe(self):
        return {"ty": "CenterScan", "center": self.center, "step": self.step, "span": self.span,
                "randomize": self.randomize, "seed": self.seed}


class ExplicitScan(ScanObject):
    """The values of `sequence`, in order."""

    def __init__(self, sequence):
        self.sequence = list(sequence)

    def describe(self):
        return {"ty": "ExplicitScan", "sequence": self.sequence}


_SCANS = {cls.__name__: cls for cls in (NoScan, RangeScan, CenterScan, ExplicitScan)}
_PARAMETERS = {
    "NoScan": ("value", "repetitions"),
    "RangeScan": ("start", "stop", "npoints", "randomize", "seed"),
    "CenterScan": ("center", "span", "step", "randomize", "seed"),
    "ExplicitScan": ("sequence",),
}


class Scannable(_Processor):
    """An argument that takes a scan object. `default` is a scan object, or a list of them (the first
    is the default; the others only preset a user interface). `unit` and `scale` say how a user
    interface shows the values (the scale comes from the unit's name when not given, as in
    ``NumberValue``); the values themselves are SI. `global_min`, `global_max`, `global_step` and
    `precision` bound and format the input widgets.

    A given value is the dict ``describe()`` makes (what ``-p scan='{"ty": "RangeScan", ...}'`` or a
    user interface sends), a scan object, a number (a ``NoScan``) or a list (an ``ExplicitScan``)."""

    def __init__(self, default=NoDefault, unit="", *, scale=None, global_step=None, global_min=None,
                 global_max=None, precision=2, ndecimals=None):
        if ndecimals is not None:
            precision = ndecimals
        scale = scale_of(unit, scale)
        self.default_values = [] if default is NoDefault else (
            list(default) if isinstance(default, list) else [default])
        self.unit, self.scale = unit, scale
        self.global_step = scale / 10.0 if global_step is None else global_step
        self.global_min, self.global_max, self.precision = global_min, global_max, precision
        super().__init__(self.default_values[0] if self.default_values else NoDefault)

    def process(self, value):
        if isinstance(value, ScanObject):
            scan = value
        elif isinstance(value, dict):
            kind = value.get("ty")
            if kind not in _SCANS:
                raise ArgumentError(f"expects a scan (\"ty\": one of {sorted(_SCANS)}), got {value!r}")
            unknown = set(value) - {"ty"} - set(_PARAMETERS[kind])
            if unknown:
                raise ArgumentError(f"a {kind} has no parameter(s) {sorted(unknown)}")
            try:
                scan = _SCANS[kind](**{k: v for k, v in value.items() if k != "ty"})
            except TypeError as e:
                raise ArgumentError(f"an incomplete {kind}: {e}") from None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            scan = NoScan(value)
        elif isinstance(value, (list, tuple)):
            scan = ExplicitScan(value)
        else:
            raise ArgumentError(f"expects a scan, got {value!r}")
        for point in scan.sequence:
            if self.global_min is not None and point < self.global_min:
                raise ArgumentError(f"scan point {point!r} is below the minimum {self.global_min!r}")
            if self.global_max is not None and point > self.global_max:
                raise ArgumentError(f"scan point {point!r} is above the maximum {self.global_max!r}")
        return scan

    def describe(self):
        d = {"ty": "Scannable"}
        if self.default_values:
            d["default"] = [s.describe() for s in self.default_values]
        d.update(unit=self.unit, scale=self.scale, global_step=self.global_step,
                 global_min=self.global_min, global_max=self.global_max, precision=self.precision)
        return d


class MultiScanManager:
    """The points of several named scans, every combination (the last scan varying fastest): each
    point has one attribute per name. ``MultiScanManager(("a", self.a), ("b", self.b))``."""

    def __init__(self, *scans):
        self.names = [name for name, _ in scans]
        self.scan_objects = [scan for _, scan in scans]

    def __iter__(self):
        for values in itertools.product(*self.scan_objects):
            yield ScanPoint(**dict(zip(self.names, values)))

    def __len__(self):
        n = 1
        for scan in self.scan_objects:
            n *= len(scan)
        return n


class ScanPoint:
    """One point of a ``MultiScanManager``: the scans' values as attributes."""

    def __init__(self, **values):
        self.attr = set(values)
        for name, value in values.items():
            setattr(self, name, value)

    def __repr__(self):
        return "<ScanPoint " + " ".join(f"{k}={getattr(self, k)}" for k in sorted(self.attr)) + ">"

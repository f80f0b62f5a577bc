"""Experiment arguments, as ARTIQ declares them: ``self.setattr_argument("n", NumberValue(10, step=1))``.

A processor holds an argument's default and checks a value given for it (from ``-p name=value`` on the
command line, or a dict passed to the experiment). Values are in SI units: ``NumberValue(2*us, unit="us")``
is 2e-6; ``unit`` and ``scale`` only say how a user interface should show it.
"""

import ast

from . import units as _units


class _NoDefaultType:
    """The default of an argument that must be given."""

    def __repr__(self):
        return "NoDefault"


NoDefault = _NoDefaultType()


class ArgumentError(ValueError):
    """An argument value that its declaration does not accept, or a required argument not given."""


class _Processor:
    def __init__(self, default=NoDefault):
        self._default = default

    def has_default(self):
        return self._default is not NoDefault

    def default(self):
        if not self.has_default():
            raise ArgumentError("has no default and was not given")
        return self.process(self._default)

    def process(self, value):
        raise NotImplementedError


class BooleanValue(_Processor):
    """A yes/no argument."""

    def process(self, value):
        if not isinstance(value, bool):
            raise ArgumentError(f"expects True or False, got {value!r}")
        return value


class StringValue(_Processor):
    """A free-form text argument."""

    def process(self, value):
        if not isinstance(value, str):
            raise ArgumentError(f"expects a string, got {value!r}")
        return value


class PYONValue(_Processor):
    """Any Python literal (a list of scan points, a dict of settings), as ARTIQ's ``PYONValue``."""

    def process(self, value):
        if isinstance(value, str):
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                raise ArgumentError(f"expects a Python literal, got {value!r}") from None
        return value


class EnumerationValue(_Processor):
    """One string out of ``choices``."""

    def __init__(self, choices, default=NoDefault):
        self.choices = list(choices)
        if not self.choices:
            raise ArgumentError("an EnumerationValue needs at least one choice")
        if default is not NoDefault and default not in self.choices:
            raise ArgumentError(f"default {default!r} is not one of {self.choices}")
        super().__init__(default)

    def process(self, value):
        if value not in self.choices and str(value) in self.choices and not isinstance(value, str):
            value = str(value)  # `-p mode=1` for the choice "1" (a command line reads 1 as a number)
        if value not in self.choices:
            raise ArgumentError(f"expects one of {self.choices}, got {value!r}")
        return value


class NumberValue(_Processor):
    """A number, optionally bounded by ``min``/``max``.

    ``type`` is ``"int"``, ``"float"`` or ``"auto"`` (ARTIQ's rule: int when the default, ``step``,
    ``min`` and ``max`` are all integers and ``precision`` is 0, float otherwise).
    """

    def __init__(self, default=NoDefault, unit="", *, scale=None, step=None, min=None, max=None,
                 precision=2, type="auto"):
        scale = scale_of(unit, scale)
        if type == "auto":
            bounds = [x for x in (default, step, min, max) if x is not None and x is not NoDefault]
            integral = precision == 0 and all(isinstance(x, int) for x in bounds)
            type = "int" if integral else "float"
        if type not in ("int", "float"):
            raise ArgumentError(f"type must be 'auto', 'int' or 'float', not {type!r}")
        if min is not None and max is not None and min > max:
            raise ArgumentError(f"min {min} is above max {max}")
        self.unit, self.scale, self.step = unit, scale, step
        self.min, self.max, self.precision, self.type = min, max, precision, type
        super().__init__(default)

    def process(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ArgumentError(f"expects a number, got {value!r}")
        if self.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ArgumentError(f"expects an integer, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if self.min is not None and value < self.min:
            raise ArgumentError(f"{value!r} is below the minimum {self.min!r}")
        if self.max is not None and value > self.max:
            raise ArgumentError(f"{value!r} is above the maximum {self.max!r}")
        return value


def scale_of(unit, scale=None):
    """The scale a user interface multiplies shown values by: given, else the unit's (``"us"`` is
    1e-6), else 1."""
    if scale is not None:
        return scale
    found = getattr(_units, unit, None) if unit else 1.0
    if found is None:
        raise ArgumentError(f"unknown unit {unit!r}: give `scale=` explicitly")
    return found


def parse_assignment(text):
    """Parses one ``name=value`` (the command line's ``-p``): the value is a Python literal, or else
    the text itself as a string (so ``-p mode=fast`` works without quotes)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ArgumentError(f"expected name=value, got {text!r}")
    try:
        return name, ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return name, value.strip()


def resolve(name, processor, given):
    """The value of argument ``name``: from ``given`` (a dict of provided values) if there, else the
    processor's default. Errors name the argument."""
    try:
        if name in given:
            return processor.process(given[name])
        return processor.default()
    except ArgumentError as e:
        raise ArgumentError(f"argument `{name}` {e}") from None

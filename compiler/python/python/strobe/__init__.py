"""Strobe's Python package.

For now this provides the kernel-language names that plain CPython lacks (``int32``, ``int64``, the
``@kernel``/``@portable`` decorators, ARTIQ's units), so that standalone kernel programs also run
unchanged under ``python3`` (the conformance tests compare the two). The experiment API
(``EnvExperiment``, ``@rpc``, ...) arrives with the Python module.
"""


def int32(value):
    """A 32-bit integer in kernels; a plain int on the host."""
    return int(value)


def int64(value):
    """A 64-bit integer in kernels; a plain int on the host."""
    return int(value)


def kernel(function):
    """Marks a function compiled for the core device; on the host it is the plain function."""
    return function


def portable(function):
    """Marks a function that runs on either side; on the host it is the plain function."""
    return function


__all__ = ["int32", "int64", "kernel", "portable"]


# ARTIQ's annotation names, so ported kernels keep their signatures.
TInt32 = int
TInt64 = int
TFloat = float
TBool = bool
TStr = str
TNone = None


def TList(elt):
    """ARTIQ's list annotation: ``TList(TInt32)``."""
    return list


def TTuple(elts):
    """ARTIQ's tuple annotation: ``TTuple([TInt32, TFloat])``."""
    return tuple


__all__ += ["TInt32", "TInt64", "TFloat", "TBool", "TStr", "TNone", "TList", "TTuple"]


from .units import *  # noqa: E402,F401,F403
from . import units as _units  # noqa: E402

__all__ += _units.__all__

from .arguments import (  # noqa: E402
    ArgumentError,
    BooleanValue,
    EnumerationValue,
    NoDefault,
    NumberValue,
    StringValue,
)
from .devices_db import DeviceDB, DeviceError, DeviceManager  # noqa: E402
from .environment import EnvExperiment, Experiment, HasEnvironment  # noqa: E402

__all__ += [
    "ArgumentError",
    "BooleanValue",
    "EnumerationValue",
    "NoDefault",
    "NumberValue",
    "StringValue",
    "DeviceDB",
    "DeviceError",
    "DeviceManager",
    "EnvExperiment",
    "Experiment",
    "HasEnvironment",
]

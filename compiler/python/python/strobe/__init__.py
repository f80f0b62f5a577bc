"""Strobe's Python package: the experiment API, as ARTIQ's (``from strobe import *``).

Experiments are classes (``EnvExperiment`` with ``build()`` and ``run()``) whose ``@kernel`` methods
run on the core device when called; ``strobe run experiment.py`` runs them. The kernel-language
names (``int32``, ``delay``, units, ...) also exist here, so standalone kernel programs run
unchanged under ``python3`` (the conformance tests compare the two).
"""


def int32(value=0):
    """A 32-bit integer in kernels; a plain int on the host."""
    return int(value)


def int64(value=0):
    """A 64-bit integer in kernels; a plain int on the host."""
    return int(value)


from .language import *  # noqa: E402,F401,F403
from . import language as _language  # noqa: E402

__all__ = ["int32", "int64"] + _language.__all__


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


TBytes = bytes
TByteArray = bytearray
TRange32 = range
TRange64 = range


def TArray(elt, num_dims=1):
    """ARTIQ's numpy array annotation: ``TArray(TFloat)``, ``TArray(TInt32, 2)``."""
    return list


def TVar():
    """ARTIQ's type variable annotation (the type is inferred)."""
    return object


__all__ += ["TInt32", "TInt64", "TFloat", "TBool", "TStr", "TNone", "TList", "TTuple", "TBytes",
            "TByteArray", "TRange32", "TRange64", "TArray", "TVar"]


from .units import *  # noqa: E402,F401,F403
from . import units as _units  # noqa: E402

__all__ += _units.__all__

from .arguments import (  # noqa: E402
    ArgumentError,
    BooleanValue,
    EnumerationValue,
    NoDefault,
    NumberValue,
    PYONValue,
    StringValue,
)
from .devices_db import DeviceDB, DeviceError, DeviceManager  # noqa: E402
from .environment import EnvExperiment, Experiment, HasEnvironment, is_experiment, is_public_experiment  # noqa: E402,E501
from .scan import (  # noqa: E402
    CenterScan,
    ExplicitScan,
    MultiScanManager,
    NoScan,
    RangeScan,
    Scannable,
    ScanObject,
)

__all__ += [
    "ArgumentError",
    "BooleanValue",
    "EnumerationValue",
    "NoDefault",
    "NumberValue",
    "PYONValue",
    "StringValue",
    "DeviceDB",
    "DeviceError",
    "DeviceManager",
    "EnvExperiment",
    "Experiment",
    "HasEnvironment",
    "is_experiment",
    "is_public_experiment",
    "ScanObject",
    "NoScan",
    "RangeScan",
    "CenterScan",
    "ExplicitScan",
    "Scannable",
    "MultiScanManager",
]
from .devices import Core, TTLClockGen, TTLInOut, TTLOut  # noqa: E402
from .bundles import bundled  # noqa: E402
from .exceptions import (  # noqa: E402
    CompileError,
    DMAError,
    KernelFault,
    RTIOOverflow,
    RPCReturnValueError,
    RTIOUnderflow,
    TerminationRequested,
)

__all__ += ["bundled", "Core", "TTLOut", "TTLInOut", "TTLClockGen", "CompileError", "DMAError", "KernelFault", "RTIOOverflow", "RTIOUnderflow",
            "RPCReturnValueError", "TerminationRequested"]

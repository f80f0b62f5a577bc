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


# ARTIQ's units (`artiq.language.units`); kernels see the same values (compiler/types/src/imports.rs).
ps = 1e-12
ns = 1e-9
us = 1e-6
ms = 1e-3
s = 1.0
mHz = 1e-3
Hz = 1.0
kHz = 1e3
MHz = 1e6
GHz = 1e9
mV = 1e-3
V = 1.0
dB = 1.0

__all__ += ["ps", "ns", "us", "ms", "s", "mHz", "Hz", "kHz", "MHz", "GHz", "mV", "V", "dB"]

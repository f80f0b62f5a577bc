"""Strobe's Python package.

For now this provides the kernel-language names that plain CPython lacks (``int32``, ``int64``), so
that standalone kernel programs also run unchanged under ``python3`` (the conformance tests compare
the two). The experiment API (``@kernel``, ``EnvExperiment``, ...) arrives with the Python module.
"""


def int32(value):
    """A 32-bit integer in kernels; a plain int on the host."""
    return int(value)


def int64(value):
    """A 64-bit integer in kernels; a plain int on the host."""
    return int(value)


__all__ = ["int32", "int64"]


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

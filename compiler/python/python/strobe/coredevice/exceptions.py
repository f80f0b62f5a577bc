"""ARTIQ's ``artiq.coredevice.exceptions`` names: the core device's exceptions (its own, and the
Python builtins it raises), every one ``strobe.compiler.embedding.EmbeddingMap`` names."""

from builtins import (  # noqa: F401
    ArithmeticError,
    AssertionError,
    Exception,
    IndexError,
    KeyError,
    LookupError,
    MemoryError,
    NameError,
    NotImplementedError,
    OverflowError,
    RecursionError,
    RuntimeError,
    TypeError,
    UnboundLocalError,
    ValueError,
    ZeroDivisionError,
)

from ..exceptions import DMAError, RTIOOverflow, RTIOUnderflow  # noqa: F401

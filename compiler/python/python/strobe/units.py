"""ARTIQ's units (`artiq.language.units`), in SI: ``delay(10*us)``, ``1.5*MHz``.

Kernels see the same names with the same values (compiler/types/src/imports.rs); the conformance
program tests/conformance/units.py checks that the two agree.
"""

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

__all__ = ["ps", "ns", "us", "ms", "s", "mHz", "Hz", "kHz", "MHz", "GHz", "mV", "V", "dB"]

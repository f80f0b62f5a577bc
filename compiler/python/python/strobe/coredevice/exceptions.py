"""ARTIQ's ``artiq.coredevice.exceptions`` names: the core device's exceptions."""

from ..exceptions import DMAError, RTIOOverflow, RTIOUnderflow  # noqa: F401

"""ARTIQ's ``artiq.coredevice.comm_kernel`` names."""

from ..exceptions import RPCReturnValueError  # noqa: F401

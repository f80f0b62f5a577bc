"""ARTIQ's ``artiq.master.databases`` names."""

from ..datasets import DatasetDB  # noqa: F401
from ..devices_db import DeviceDB  # noqa: F401

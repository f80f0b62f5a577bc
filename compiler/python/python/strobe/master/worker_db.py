"""ARTIQ's ``artiq.master.worker_db`` names."""

from ..datasets import DatasetManager  # noqa: F401
from ..devices_db import DeviceError, DeviceManager  # noqa: F401

"""ARTIQ's ``artiq.experiment`` module path: ``from strobe.experiment import *`` is
``from strobe import *``."""

from . import *  # noqa: F401,F403
from . import __all__  # noqa: F401

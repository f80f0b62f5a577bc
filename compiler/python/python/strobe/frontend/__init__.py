"""ARTIQ's command-line tools under their own module names (``python -m strobe.frontend.artiq_run``,
``artiq_compile``), with their arguments, over Strobe's runner: what scripts and tests that start
ARTIQ's tools run unchanged with ``artiq`` mapped to ``strobe``."""

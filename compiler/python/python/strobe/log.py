"""Loggers for Strobe's modules, with :mod:`logging` imported only once something is logged (it
costs ~6 ms of every `strobe` command's start-up otherwise)."""


def logger(name):
    """`logging.getLogger(name)`."""
    import logging

    return logging.getLogger(name)

"""Exceptions of the core device that have no Python builtin counterpart."""


class RTIOUnderflow(Exception):
    """An output event's timestamp had already passed when the kernel submitted it."""


class RTIOOverflow(Exception):
    """An input channel recorded more events than its FIFO holds."""


class DMAError(Exception):
    """A DMA trace was not found, its handle is stale, recording was nested, or it did not fit."""


class KernelFault(Exception):
    """The kernel's code trapped on the core device (illegal instruction, bad memory access)."""


class CompileError(Exception):
    """A kernel did not compile; the message holds the rendered diagnostics."""


class RPCReturnValueError(ValueError):
    """A host function returned a value of another type than the kernel takes from it (a value
    where the kernel expects None: annotate the function's return type)."""


__all__ = ["RTIOUnderflow", "RTIOOverflow", "DMAError", "KernelFault", "CompileError",
           "RPCReturnValueError"]


class TerminationRequested(Exception):
    """Raised by ``scheduler.pause()`` once the run's termination was requested (Ctrl-C)."""


__all__ += ["TerminationRequested"]

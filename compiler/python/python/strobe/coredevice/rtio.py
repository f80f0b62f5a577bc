"""The typed system calls kernels reach the RTIO core with. They exist on the host only as
signatures (calling one there is an error): inside kernels the compiler emits the RTIO access, with
these parameter and result types. Channels are RTIO channel numbers; times are machine units."""

from __future__ import annotations  # annotations stay kernel type names (TInt32 and TInt64 differ)

from ..language import syscall


@syscall
def rtio_output(channel: TInt32, value: TInt32) -> TNone:
    """Sets output `channel` to `value` at the timeline cursor (``now_mu()``); raises
    ``RTIOUnderflow`` when that time has passed."""


@syscall
def rtio_gate(channel: TInt32, sensitivity: TInt32) -> TNone:
    """From the timeline cursor on, input `channel` records rising edges (``sensitivity`` bit 0),
    falling edges (bit 1), both (3) or none (0: the gate closes); raises ``RTIOUnderflow`` when
    that time has passed."""


@syscall
def rtio_input_timestamp(channel: TInt32, up_to: TInt64) -> TInt64:
    """The timestamp of the next recorded edge on input `channel`, waiting until the RTIO counter
    passes `up_to`; -1 when none arrives by then."""


@syscall
def rtio_input_data(channel: TInt32, up_to: TInt64) -> TInt32:
    """The level (0 or 1) of the next entry on input `channel` (the level after a recorded edge, or
    a sample), waiting until the RTIO counter passes `up_to`; -1 when none arrives by then."""


@syscall
def rtio_get_counter() -> TInt64:
    """The RTIO counter now (not the timeline cursor)."""

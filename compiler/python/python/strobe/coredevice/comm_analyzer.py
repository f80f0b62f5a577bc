"""The RTIO analyzer, as ARTIQ's ``artiq.coredevice.comm_analyzer``: what the RTIO core did, in
order, with the RTIO counter at each moment: every output event it queued (``OutputMessage``), every
late one it refused (``ExceptionMessage`` of type ``o_underflow``) and every input timestamp a kernel
took (``InputMessage``), ending with a ``StoppedMessage``.

``get_analyzer_dump(host)`` returns the records since the last dump (and empties the buffer, which
keeps the latest 65,536) in ARTIQ's dump format; ``decode_dump`` reads it. The records come from the
simulated core device this process started (the one its kernels run on; ``host`` None, as in the
simulated device database); an external device (``tcp:...``) sends none, which is an error.
"""

import struct
from collections import namedtuple
from enum import Enum

from .. import runtime

DEFAULT_REF_PERIOD = 1e-9
MESSAGE_BYTES = 32
HEADER_BYTES = 15  # after the endianness byte


class MessageType(Enum):
    output = 0b00
    input = 0b01
    exception = 0b10
    stopped = 0b11


class ExceptionType(Enum):
    legacy_reset = 0b000000
    legacy_reset_falling = 0b000001
    legacy_reset_phy = 0b000010
    legacy_reset_phy_falling = 0b000011
    legacy_o_underflow_reset = 0b010000
    legacy_o_sequence_error_reset = 0b010001
    legacy_o_collision_reset = 0b010010
    legacy_i_overflow_reset = 0b100000
    legacy_o_sequence_error = 0b010101
    o_underflow = 0b010100
    i_overflow = 0b100001


OutputMessage = namedtuple("OutputMessage", "channel timestamp rtio_counter address data")
InputMessage = namedtuple("InputMessage", "channel timestamp rtio_counter data")
ExceptionMessage = namedtuple("ExceptionMessage", "channel rtio_counter exception_type")
StoppedMessage = namedtuple("StoppedMessage", "rtio_counter")
DecodedDump = namedtuple("DecodedDump", "log_channel dds_onehot_sel messages")


def get_analyzer_dump(host=None, port=1382):
    """The analyzer's records since the last dump, as bytes in ARTIQ's dump format."""
    if runtime.sessions:
        return runtime.sessions[0].analyzer_dump()
    if host is not None:
        raise RuntimeError(
            f"the RTIO analyzer's records come from a simulated core device this process started; "
            f"the device at {host} sends none")
    # No kernel has run in this process: a simulated device that has done nothing yet.
    return _empty_dump()


def _empty_dump():
    stopped = bytes(28) + struct.pack(">I", MessageType.stopped.value)
    return b"e" + struct.pack("<IQbbb", MESSAGE_BYTES, MESSAGE_BYTES, 0, 0, 0) + stopped


def decode_message(data):
    """One 32-byte message (big-endian; its last word is ``channel << 2 | type``)."""
    (word,) = struct.unpack(">I", data[28:32])
    kind, channel = MessageType(word & 0b11), word >> 2
    if kind in (MessageType.output, MessageType.input):
        value, address, rtio_counter, timestamp = struct.unpack(">QIQQ", data[:28])
        if kind is MessageType.output:
            return OutputMessage(channel, timestamp, rtio_counter, address, value)
        return InputMessage(channel, timestamp, rtio_counter, value)
    if kind is MessageType.exception:
        exception_type, rtio_counter = struct.unpack(">BQ", data[11:20])
        return ExceptionMessage(channel, rtio_counter, ExceptionType(exception_type))
    (rtio_counter,) = struct.unpack(">Q", data[12:20])
    return StoppedMessage(rtio_counter)


def decode_dump(data):
    """The messages of a dump (``DecodedDump``); ValueError for bytes that are not one."""
    if len(data) < 1 + HEADER_BYTES or data[0] not in b"eE":
        raise ValueError("not an RTIO analyzer dump")
    endian = "<" if data[0] == ord("e") else ">"
    sent, _total, _error, log_channel, dds_onehot_sel = struct.unpack(
        endian + "IQbbb", data[1:1 + HEADER_BYTES])
    body = data[1 + HEADER_BYTES:]
    if len(body) != sent or sent % MESSAGE_BYTES:
        raise ValueError(f"analyzer dump has incorrect length (got {len(body)}, expected {sent})")
    messages = [decode_message(body[i:i + MESSAGE_BYTES]) for i in range(0, sent, MESSAGE_BYTES)]
    return DecodedDump(log_channel, bool(dds_onehot_sel), messages)


def _extract_log_chars(data):
    """The characters an RTIO log channel's output message carries: up to four, most significant
    byte first, zero bytes left out (ARTIQ's tests decode `rtio_log` text with it)."""
    return "".join(chr(byte) for byte in (data & 0xffffffff).to_bytes(4, "big") if byte)

"""Host data as quoted data (part of the embed stage): what kind of kernel value a host value is.

A composed program reads each host value through ``__strobe_quoted(slot, exemplar)``: the exemplar is
a small kernel value of the same kind (``0``, ``int64(0)``, ``0.0``, ``""``, ``[0]``, ``(0, "")``,
``[]``) from which type inference gives the value its kernel type, so the value itself never appears
in the program text and a new value of the same kind changes no code.
"""

import sys


def loaded_numpy():
    """numpy if this process has imported it, else None. A host value can be a numpy array or
    scalar only once numpy is loaded, so embedding never imports it itself (numpy's import is
    most of a small experiment's start-up)."""
    return sys.modules.get("numpy")

INT32 = (-(2 ** 31), 2 ** 31)
INT64 = (-(2 ** 63), 2 ** 63)

#: Scalars that are data.
PLAIN = (bool, int, float, str, bytes, type(None))


class EmbeddingError(Exception):
    """A host value or function that kernels cannot use; the message says where and why."""


def check_array(value, where):
    """Kernels take numpy arrays of numbers, bools or strings, of 1 to the compiler's most
    dimensions."""
    from ._native import MAX_ARRAY_DIMS
    if not 1 <= value.ndim <= MAX_ARRAY_DIMS:
        raise EmbeddingError(
            f"{where}: a numpy array of {value.ndim} dimensions; kernels take arrays of 1 to "
            f"{MAX_ARRAY_DIMS} dimensions")
    if value.dtype.kind not in "biufU":
        raise EmbeddingError(
            f"{where}: a numpy array of {value.dtype}; kernels take arrays of numbers, bools or strings")


def holds_objects(value):
    """Whether `value` is (or contains) something other than plain data (an object to embed)."""
    if isinstance(value, PLAIN + (bytearray, range)) or \
            ((numpy := loaded_numpy()) is not None and isinstance(value, (numpy.generic, numpy.ndarray))):
        return False
    if isinstance(value, (list, tuple)):
        return any(holds_objects(v) for v in value)
    return True


def merged(exemplars):
    """The exemplars of a list's items as one (int and int64 make int64; with a float, float); the
    distinct ones when they do not merge (the type checker then reports the mixed list)."""
    kinds = set(exemplars)
    if kinds and kinds <= {"0", "int64(0)", "0.0"}:
        return ["0.0" if "0.0" in kinds else "int64(0)" if "int64(0)" in kinds else "0"]
    return sorted(kinds)


class Exemplars:
    """Exemplars of host values, each container's computed once per composition."""

    def __init__(self):
        self.known = {}  # id(container) -> (container, exemplar)

    def of(self, value, where, refuse):
        """The exemplar of `value`; `refuse(value, where)` raises for what is not data (as it does
        for any host value kernels cannot hold)."""
        known = self.known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = self._of(value, where, refuse)
        if isinstance(value, (list, tuple)) or ((numpy := loaded_numpy()) is not None and isinstance(value, numpy.ndarray)):
            self.known[id(value)] = (value, text)
        return text

    def _of(self, value, where, refuse):
        if value is None:
            return "None"
        if isinstance(value, bool) or ((numpy := loaded_numpy()) is not None and isinstance(value, numpy.bool_)):
            return "False"
        if (numpy := loaded_numpy()) is not None and isinstance(value, numpy.integer):
            wide = value.dtype.itemsize > 4 or (value.dtype.kind == "u" and value.dtype.itemsize == 4)
            return "int64(0)" if wide else "int32(0)"
        if isinstance(value, int):
            if INT32[0] <= value < INT32[1]:
                return "0"
            if INT64[0] <= value < INT64[1]:
                return "int64(0)"
            raise EmbeddingError(f"{where}: the integer {value} does not fit 64 bits")
        if isinstance(value, float) or ((numpy := loaded_numpy()) is not None and isinstance(value, numpy.floating)):
            return "0.0"
        if isinstance(value, str):
            return '""'
        if isinstance(value, bytes):
            return 'b""'
        if isinstance(value, bytearray):
            return "bytearray()"
        if isinstance(value, range):
            wide = any(not INT32[0] <= v < INT32[1] for v in (value.start, value.stop, value.step))
            return "range(int64(0))" if wide else "range(0)"
        if isinstance(value, tuple):
            items = [self.of(v, where, refuse) for v in value]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if (numpy := loaded_numpy()) is not None and isinstance(value, numpy.ndarray):
            check_array(value, where)
            elem = self.of(value.dtype.type(0), where, refuse)
            return "array(" + "[" * value.ndim + elem + "]" * value.ndim + ")"
        if isinstance(value, list):
            if value and all(type(v) is int for v in value):  # the common case, without a call per item
                ends = [self._of(min(value), where, refuse), self._of(max(value), where, refuse)]
                return "[" + merged(ends)[0] + "]"
            if value and all(type(v) is float for v in value):
                return "[0.0]"
            return "[" + ", ".join(merged(self.of(v, where, refuse) for v in value)) + "]"
        refuse(value, where)
        raise EmbeddingError(f"{where}: a value of type `{type(value).__name__}` cannot be quoted as data")

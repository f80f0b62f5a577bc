"""ARTIQ's ``artiq.compiler.embedding.EmbeddingMap``, as far as ARTIQ's tests read it."""


class EmbeddingMap:
    """``str_reverse_map``: each builtin exception of the core device by its runtime id, named
    ``<id>:strobe.coredevice.exceptions.<Name>`` (ARTIQ's tests take the part after the last dot)."""

    def __init__(self):
        from .._native import builtin_exceptions

        self.str_reverse_map = {
            type_id: f"{type_id}:strobe.coredevice.exceptions.{name}"
            for type_id, name in builtin_exceptions()
        }

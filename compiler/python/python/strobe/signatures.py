"""Host and kernel functions' signatures as kernel-language parameter text, for the stubs and
wrappers the embedding writes (see :mod:`strobe.embed`)."""

import ast
import inspect

from .quoting import EmbeddingError
from .sources import source_of, unwrap


class NoSignature(Exception):
    """A builtin host function whose parameters Python does not describe."""


def signature(function, where, skip_self, host=False):
    """Parameters (with constant defaults) and the return annotation, as kernel-language text.
    A host function's (`host`) may be keyword-only and take `*args` and `**kwargs`."""
    target = unwrap(function)
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        if inspect.isbuiltin(target):
            raise NoSignature from None
        raise EmbeddingError(f"{where}: the signature of `{getattr(target, '__name__', target)}` is unknown; "
                             "kernels call host functions with a fixed signature")
    params = list(sig.parameters.values())
    if skip_self and params:
        params = params[1:]
    out = []
    for p in params:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and not host:
            raise EmbeddingError(f"{where}: kernel function `{target.__name__}` takes `*args`, `**kwargs` or "
                                 "keyword-only parameters; kernels take positional ones")
        if p.kind == p.VAR_KEYWORD:
            out.append(f"**{p.name}")
            continue
        if p.kind == p.VAR_POSITIONAL:
            out.append(f"*{p.name}")
            continue
        if p.kind == p.KEYWORD_ONLY and not any(o.startswith("*") for o in out):
            out.append("*")
        if p.default is None or (p.default is not p.empty and isinstance(p.default, (bool, int, float, str))):
            out.append(f"{p.name}={p.default!r}")
        else:
            out.append(p.name)
    returns = None
    try:
        node = source_of(target).node
        if getattr(node, "returns", None) is not None:
            returns = ast.unparse(node.returns)
    except (EmbeddingError, SyntaxError, IndexError, StopIteration):
        pass
    return out, returns

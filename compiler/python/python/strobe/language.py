"""The experiment language: ``@kernel``, ``@portable``, ``@rpc``, ``@host_only`` and the timeline.

As in ARTIQ, calling a ``@kernel`` method on the host runs it on the core device: the decorator
finds the core device in the object's ``core`` attribute (or the attribute named by
``@kernel("name")``) and hands the call to ``core.run``. A kernel function called without a core
device (a standalone kernel program run by ``python3``) runs as plain Python.

The timeline functions exist on the host only as names: they act inside kernels.
"""

from __future__ import annotations  # the system calls' annotations are kernel type names

import functools
import linecache

#: Marks set on decorated functions, read by the embedding (``strobe.embed``).
KERNEL = "kernel"
PORTABLE = "portable"


def _mark(function, kind):
    function.__strobe_kernel__ = kind
    return function


def kernel(arg=None, flags=()):
    """Compiles the function for the core device; calling it on the host runs it there.

    ``@kernel`` uses the object's ``core`` attribute; ``@kernel("other_core")`` names another one.
    """
    if isinstance(arg, str) or arg is None:
        core_name = arg or "core"
        return lambda function: _kernel(function, core_name)
    return _kernel(arg, "core")


def _kernel(function, core_name):
    @functools.wraps(function)
    def run_on_core(*args, **kwargs):
        receiver = args[0] if args else None
        if getattr(type(receiver), "__strobe_core_device__", False):
            core = receiver  # a method of the core device itself
        else:
            core = getattr(receiver, core_name, None) if receiver is not None else None
        if core is not None and hasattr(core, "run"):
            return core.run(function, args, kwargs)
        return function(*args, **kwargs)

    run_on_core.__strobe_core__ = core_name
    return _mark(run_on_core, KERNEL)


def portable(function):
    """Runs on either side: compiled into kernels that call it, plain Python on the host."""
    return _mark(function, PORTABLE)


def rpc(arg=None, flags=frozenset()):
    """Marks a host function called from kernels; ``@rpc(flags={"async"})`` does not wait for it.

    Any plain function or method a kernel calls is an RPC; the decorator only adds flags.
    """
    def decorate(function):
        unknown = set(flags) - {"async"}
        if unknown:
            raise ValueError(f"unknown RPC flags {sorted(unknown)}: the only flag is \"async\"")
        function.__strobe_rpc_flags__ = frozenset(flags)
        return function

    if callable(arg):
        return decorate(arg)
    return decorate


#: What the timeline calls do on the host: nothing is set but for kernels run as plain Python
#: (:mod:`strobe.sim`), which keep their timeline in a manager of their own.
_time_manager = None


def set_time_manager(manager):
    """Makes `manager` (``take_time``, ``take_time_mu``, ``get_time_mu``, ``set_time_mu``,
    ``enter_sequential``, ``enter_parallel``, ``exit``) keep the timeline of kernels run on the
    host, as ARTIQ's ``set_time_manager``; None ends that."""
    global _time_manager
    _time_manager = manager


_HOST_TIMELINE = {
    "now_mu": lambda m: m.get_time_mu(),
    "at_mu": lambda m, t: m.set_time_mu(t),
    "delay_mu": lambda m, d: m.take_time_mu(d),
    "delay": lambda m, d: m.take_time(d),
}


def syscall(function):
    """Declares a typed system call kernels make (the compiler knows it by name and emits it; the
    annotations are its signature). On the host, calling it is an error (but for the timeline's,
    while a time manager keeps a host timeline)."""
    @functools.wraps(function)
    def only_in_kernels(*args, **kwargs):
        on_host = _HOST_TIMELINE.get(function.__name__)
        if on_host is not None and _time_manager is not None:
            return on_host(_time_manager, *args, **kwargs)
        raise NotImplementedError(f"`{function.__name__}()` is a core-device system call: call it in a @kernel")

    only_in_kernels.__strobe_syscall__ = function.__name__
    return only_in_kernels


def host_only(function):
    """A function kernels must not call (not even as an RPC)."""
    function.__strobe_host_only__ = True
    return function


@syscall
def now_mu() -> TInt64:
    """The timeline cursor, in machine units."""


@syscall
def at_mu(t: TInt64) -> TNone:
    """Moves the timeline cursor to `t`."""


@syscall
def delay_mu(duration: TInt64) -> TNone:
    """Advances the timeline cursor by `duration` machine units."""


@syscall
def delay(duration: TFloat) -> TNone:
    """Advances the timeline cursor by `duration` seconds (rounded to the nearest machine unit)."""


class _TimelineBlock:
    """``with parallel:`` / ``with sequential:``; only meaningful inside kernels."""

    def __init__(self, name):
        self._name = name

    def __enter__(self):
        if _time_manager is None:
            raise NotImplementedError(f"`with {self._name}:` arranges the core device's timeline: use it in a @kernel")
        if self._name == "parallel":
            _time_manager.enter_parallel()
        else:
            _time_manager.enter_sequential()

    def __exit__(self, *exc):
        if _time_manager is not None:
            _time_manager.exit()
        return False

    def __repr__(self):
        return self._name


parallel = _TimelineBlock("parallel")
sequential = _TimelineBlock("sequential")

_generated_sources = 0


def kernel_from_string(parameters, body_code, decorator=kernel):
    """A kernel (or, with ``decorator=portable``, a portable function) made from source text, as
    ARTIQ's: `parameters` are names or ``(name, annotation)`` pairs, `body_code` the body (``return``
    works as usual). The body sees no globals: pass what it uses as arguments. Its source is kept
    under a file name of its own, so kernels made from it compile and report lines like any other.
    """
    global _generated_sources
    params = []
    for p in parameters:
        name, annotation = p if isinstance(p, tuple) else (p, None)
        params.append(f"{name}: {annotation}" if annotation else name)
    body = "\n".join("    " + line for line in body_code.split("\n"))
    _generated_sources += 1
    # A name of its own: a kernel may use several.
    name = f"kernel_from_string_fn_{_generated_sources}"
    source = f"def {name}({', '.join(params)}):\n{body}\n"
    filename = f"<kernel_from_string {_generated_sources}>"
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        raise SyntaxError(f"error parsing kernel function: {source!r}: {e.msg}") from None
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(code, namespace)
    return decorator(namespace[name])

__all__ = [
    "kernel",
    "kernel_from_string",
    "set_time_manager",
    "portable",
    "rpc",
    "host_only",
    "now_mu",
    "at_mu",
    "delay_mu",
    "delay",
    "parallel",
    "sequential",
]

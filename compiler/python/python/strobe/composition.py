"""What the embedding stage produces (see :mod:`strobe.embed`): the composed program, the host
functions it calls, and where each quoted host value comes from."""

import inspect


class Service:
    """A host function kernels call: `function(*args)`, or a method of the object with id ``args[0]``."""

    def __init__(self, name, function, is_async, method=None):
        self.name = name
        self.function = function
        self.is_async = is_async
        self.method = method
        self._layout = None

    def call(self, function, args):
        """Calls `function` with the values a kernel sent: its stub's parameters in order
        (positional ones, then keyword-only ones), then what its `*args` takes, then (with
        `**kwargs`) the other keywords' values and their names as one comma-separated string."""
        if self._layout is None:
            self._layout = _parameter_layout(function)
        positional, keyword_only, variadic_keywords = self._layout
        extra = {}
        if variadic_keywords:
            names = args[-1].split(",") if args[-1] else []
            values = args[len(args) - 1 - len(names):-1]
            extra = dict(zip(names, values))
            args = args[:len(args) - 1 - len(names)]
        end = positional + len(keyword_only)
        keywords = dict(zip(keyword_only, args[positional:end]))
        return function(*args[:positional], *args[end:], **keywords, **extra)


def _parameter_layout(function):
    """How many parameters take positional arguments, the names of the keyword-only ones, and
    whether it takes `**kwargs`; a function Python cannot describe takes every value positionally."""
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return (1 << 30, (), False)
    positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    keyword_only = tuple(p.name for p in params if p.kind == p.KEYWORD_ONLY)
    return positional, keyword_only, any(p.kind == p.VAR_KEYWORD for p in params)


class Quoted:
    """Where a quoted value comes from: attribute `name` of `obj`, or the kernel call's argument
    `name` (an index or a keyword); its exemplar fixes its kernel type."""

    def __init__(self, exemplar, where, obj=None, name=None, argument=False):
        self.exemplar = exemplar
        self.where = where
        self.obj = obj
        self.name = name
        self.argument = argument


class Composition:
    """The composed program and what the host needs to serve its run."""

    def __init__(self, text, runs, services, writeback, objects, exception_classes, quoted, layouts=None):
        self.text = text
        #: The quoted host values, by slot (``__strobe_quoted(slot, exemplar)`` in the text): laid out
        #: as data by the compiler, so new values change no code.
        self.quoted = quoted
        #: Where each quoted value came from, by slot (see :class:`Quoted`): what a prepared kernel
        #: reads again at each call.
        self.quoted_from = []
        #: Python class -> {field: (exemplar or None for an object-holding field, use site)}: the
        #: layout of every kernel class the program uses (a bundle freezes them).
        self.layouts = layouts or {}
        #: (first line, line count, file, first line in that file) for every copied run of lines.
        self.runs = runs
        #: Service number -> :class:`Service` (numbers below 2 are the writeback and the result).
        self.services = services
        #: (object, attribute) of each value the writeback call carries, in order.
        self.writeback = writeback
        #: Kernel object id -> host object (for RPC methods).
        self.objects = objects
        #: Exception class name -> Python class, for the kernel's own exception classes.
        self.exception_classes = exception_classes


def rpc_stub(name, service, is_async, params, returns):
    """The kernel-language declaration of host function `name` as RPC service `service`."""
    flags = ", flags={\"async\"}" if is_async else ""
    arrow = f" -> {returns}" if returns and not is_async else ""
    return [f"@rpc(service={service}{flags})", f"def {name}({', '.join(params)}){arrow}:", "    pass"]


class Lines:
    """The composed program's lines, and the runs of them copied from the experiment's files."""

    def __init__(self):
        self.lines = []
        self.runs = []

    def synthetic(self, line):
        self.lines.append(line)

    def copy(self, lines, file, first):
        self.runs.append((len(self.lines) + 1, len(lines), file, first))
        self.lines.extend(lines)

    def text(self):
        return "\n".join(self.lines) + "\n"

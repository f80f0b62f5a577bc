"""Kernels compiled once and then only run: ``core.precompile(f, *args)`` and bundles,
``with core.bundled(self.f, self.g):`` (or ``with bundled(self.f, self.g):``).

A prepared kernel is composed and compiled once; its code units stay resident on the core device,
pinned until it is released. Each call reads its host values again (the attributes and arguments it
quotes), checks they are of the kinds it was compiled for, and sends only the data bytes that changed;
results and attribute writeback work as for any kernel call.

A bundle prepares its kernels when entered (those that take arguments at their first call in the
block, from those arguments' kinds) and freezes the layout of every object they use: while the block
runs, any other kernel may use these objects only through the fields the bundle knows, with values of
the same kinds. A kernel that would change a frozen layout (read an attribute the layout lacks, reach
a new object through a frozen one, quote a value of another kind) is refused with both source lines.
Leaving the block, normally or by an exception, releases everything.
"""

import copy
import inspect

from . import embed
from .quoting import EmbeddingError, Exemplars, holds_objects


def _identities(value):
    """The objects a value holds, by identity (lists and tuples item by item)."""
    if isinstance(value, (list, tuple)):
        return tuple(_identities(v) for v in value)
    return id(value)


class FrozenLayout:
    """The fields of one class while a bundle is in force: {field: (exemplar, use site)}."""

    def __init__(self, cls, fields, bundle):
        self.cls = cls
        self.fields = dict(fields)
        self.bundle = bundle

    def check_field(self, name, where):
        """A kernel in the block uses field `name`: refused when the frozen layout lacks it."""
        if name in self.fields:
            return
        known = ", ".join(f"`{f}`" for f in sorted(self.fields) if not f.startswith("_strobe")) or "no fields"
        raise EmbeddingError(
            f"{where}: attribute `{name}` of the `{self.cls.__name__}` object is not in the layout "
            f"{self.bundle.label} froze at {self.bundle.where} (it has {known}); a kernel in the block "
            "cannot add fields to, or reach new objects through, the bundle's objects")

    def check_kind(self, name, quoted):
        frozen = self.fields.get(name)
        if frozen is None or frozen[0] is None or frozen[0] == quoted.exemplar:
            return
        raise EmbeddingError(
            f"{quoted.where}: attribute `{name}` of the `{self.cls.__name__}` object holds "
            f"{_kind(quoted.exemplar)} now, {_kind(frozen[0])} when {self.bundle.label} froze its layout "
            f"at {self.bundle.where} (used at {frozen[1]})")


def _kind(exemplar):
    """`an int32`, `a list like [0.0]`: the kind of value an exemplar stands for."""
    kind = {"0": "an int32", "int32(0)": "an int32", "int64(0)": "an int64", "0.0": "a float",
            "False": "a bool", '""': "a str", "None": "None"}.get(exemplar)
    return kind or f"a value like `{exemplar}`"


class Prepared:
    """One kernel call shape (function, receiver, argument positions and keywords) compiled once."""

    def __init__(self, runner, function, args, kwargs, frozen, label, where):
        self.runner = runner
        self.label = label
        self.where = where
        self.composition = embed.compose(function, args, kwargs, frozen)
        self.exception_ids = runner.load(self.composition)
        self.handle = runner.session.keep()
        self.objects = self._object_snapshot(args, kwargs)

    def _object_snapshot(self, args, kwargs):
        """What object-holding fields and arguments refer to (they are code, not data)."""
        snapshot = {}
        for obj in self.composition.objects.values():
            for field, (exemplar, _) in self.composition.layouts.get(type(obj), {}).items():
                if exemplar is None and not field.startswith("_strobe") and hasattr(obj, field):
                    snapshot[(id(obj), field)] = _identities(getattr(obj, field))
        for i, a in enumerate(_rest(self.composition, args)):
            if holds_objects(a):
                snapshot[("arg", i)] = _identities(a)
        for k, v in kwargs.items():
            if holds_objects(v):
                snapshot[("arg", k)] = _identities(v)
        return snapshot

    def values(self, args, kwargs):
        """The quoted values for a call with `args`, `kwargs`: each of its compiled kind."""
        now = self._object_snapshot(args, kwargs)
        changed = next((k for k in self.objects if now.get(k) != self.objects[k]), None)
        if changed is not None or len(now) != len(self.objects):
            raise EmbeddingError(f"{self.where}: {self._describe(changed)} holds another object than "
                                 f"when {self.label} was compiled; the objects a compiled kernel "
                                 "reaches are part of its code (call it outside the block, or keep them)")
        rest = _rest(self.composition, args)
        exemplars = Exemplars()
        out = []
        for slot, q in enumerate(self.composition.quoted_from):
            if q.argument:
                value = rest[q.name] if isinstance(q.name, int) else kwargs[q.name]
            elif q.obj is not None:
                value = getattr(q.obj, q.name)
            else:
                value = self.composition.quoted[slot]
            exemplar = exemplars.of(value, q.where, _not_data)
            if exemplar != q.exemplar:
                what = f"argument `{q.name}`" if q.argument else \
                    f"attribute `{q.name}` of the `{type(q.obj).__name__}` object"
                raise EmbeddingError(f"{q.where}: {what} holds {_kind(exemplar)} now, "
                                     f"{_kind(q.exemplar)} when {self.label} was compiled at {self.where}")
            out.append(value)
        return out

    def _describe(self, key):
        if key is None:
            return "an argument"
        if key[0] == "arg":
            return f"argument `{key[1]}`"
        obj = next((o for o in self.composition.objects.values() if id(o) == key[0]), None)
        site = self.composition.layouts.get(type(obj), {}).get(key[1], (None, "?"))[1]
        return f"attribute `{key[1]}` of the `{type(obj).__name__}` object (used at {site})"

    def call(self, args, kwargs):
        return self.run(self.values(args, kwargs))

    def run(self, values, writeback=True):
        """Runs the kernel with quoted `values` (from :meth:`values`); without `writeback` the
        attributes it changes stay as they are on the host."""
        self.runner.session.reload(self.handle, values)
        return self.runner.finish(self.composition, self.exception_ids, writeback)

    def release(self):
        if self.handle is not None and self.runner.session is not None:
            self.runner.session.release(self.handle)
        self.handle = None


def _rest(composition, args):
    """The call's arguments after the receiver (as `embed.compose` numbers them)."""
    receiver = composition.objects.get(0)
    return args[1:] if args and receiver is not None and args[0] is receiver else args


def _not_data(value, where):
    raise EmbeddingError(f"{where}: a `{type(value).__name__}` where the prepared kernel has data")


def _target(kernel_function):
    """(function, receiver) of a bound @kernel method or a @kernel function (the function as the
    kernel decorator hands it to the core device)."""
    receiver = getattr(kernel_function, "__self__", None)
    function = getattr(kernel_function, "__func__", kernel_function)
    if getattr(function, "__strobe_kernel__", None) != "kernel":
        raise TypeError(f"{getattr(function, '__qualname__', function)!r} is not a @kernel function")
    return embed._unwrap(function), receiver


def bundled(*kernels):
    """``with bundled(self.f, self.g):`` — :meth:`Core.bundled` of the core device the first
    kernel runs on."""
    if not kernels:
        raise TypeError("bundled() needs at least one @kernel")
    wrapper = getattr(kernels[0], "__func__", kernels[0])
    _, receiver = _target(kernels[0])
    core = receiver if getattr(type(receiver), "__strobe_core_device__", False) else \
        getattr(receiver, getattr(wrapper, "__strobe_core__", "core"), None)
    if core is None or not hasattr(core, "runner"):
        raise TypeError("bundled(): the first kernel is not a method of an object with a core device")
    return Bundle(core, kernels, _caller_site())


def _caller_site(depth=2):
    frame = inspect.stack()[depth]
    return f"{frame.filename}:{frame.lineno}"


class Bundle:
    """``with core.bundled(f, g, ...):`` — see the module's documentation."""

    def __init__(self, core, kernels, where):
        self.core = core
        self.targets = [_target(k) for k in kernels]
        names = ", ".join(getattr(f, "__qualname__", "?") for f, _ in self.targets)
        self.label = f"the bundle ({names})"
        self.where = where
        self.prepared = {}
        self.frozen = {}

    def __enter__(self):
        runner = self.core.runner()
        self.runner = runner
        try:
            for function, receiver in self.targets:
                args = (receiver,) if receiver is not None else ()
                if _takes_only(function, len(args)):
                    self.prepare(function, args, {})
        except BaseException:
            self.release()
            raise
        runner.bundles.append(self)
        return self

    def __exit__(self, *exc):
        if self in self.runner.bundles:
            self.runner.bundles.remove(self)
        self.release()
        return False

    def release(self):
        for p in self.prepared.values():
            p.release()
        self.prepared.clear()

    def prepare(self, function, args, kwargs):
        outer = self.runner.frozen(exclude=self)
        p = Prepared(self.runner, function, args, kwargs, outer, self.label, self.where)
        self.prepared[_shape(function, args, kwargs)] = p
        for cls, fields in p.composition.layouts.items():
            layout = self.frozen.setdefault(cls, FrozenLayout(cls, {}, self))
            for name, value in fields.items():
                layout.fields.setdefault(name, value)
        return p

    def prepared_for(self, function, args, kwargs):
        """The prepared kernel for this call, compiled now if it is a bundle kernel called for the
        first time with these argument positions; None when the call is not one of the bundle's."""
        receiver = args[0] if args else None
        shape = _shape(embed._unwrap(function), args, kwargs)
        function = embed._unwrap(function)
        if not any(f is function and (r is None or r is receiver) for f, r in self.targets):
            return None
        return self.prepared.get(shape) or self.prepare(function, args, kwargs)


def _shape(function, args, kwargs):
    receiver = id(args[0]) if args else None
    return (function, receiver, len(args), tuple(sorted(kwargs)))


def _takes_only(function, count):
    """Whether `function` can be called with `count` positional arguments (its defaults fill the rest)."""
    try:
        inspect.signature(inspect.unwrap(function)).bind(*range(count))
        return True
    except TypeError:
        return False


class PrecompiledKernel:
    """What ``core.precompile`` returns, as ARTIQ's: calling it runs the kernel (compiled once) with
    the host values of the moment it was compiled (copied then), returning its result; the
    attributes it changes are not written back (its RPCs run as usual). ``release()`` (or garbage
    collection) unpins it."""

    def __init__(self, prepared, args, kwargs):
        self._prepared = prepared
        self._values = copy.deepcopy(prepared.values(args, kwargs))

    def __call__(self):
        p = self._prepared
        if p.handle is None:
            raise RuntimeError(f"{p.label} was released")
        return p.run(self._values, writeback=False)

    def release(self):
        self._prepared.release()

    def __del__(self):
        try:
            self.release()
        except Exception:  # interpreter shutdown: the session may be gone
            pass


def precompile(core, function, args, kwargs):
    runner = core.runner()
    target, receiver = _target(function)
    call_args = ((receiver,) if receiver is not None else ()) + tuple(args)
    label = f"precompiled `{getattr(target, '__qualname__', target)}`"
    prepared = Prepared(runner, target, call_args, dict(kwargs), runner.frozen(), label, _caller_site(3))
    return PrecompiledKernel(prepared, call_args, dict(kwargs))

"""The embedding stage: one kernel call on live host objects -> one kernel-language program.

Only what the kernel touches is read, starting from the called function: the attributes it reads
through ``self`` (and, by name, through other objects), the module globals it names, the methods
and functions it calls. Kernel functions are copied with their original line numbers recorded in a
source map, so diagnostics and kernel tracebacks point at the experiment's own files.

Host objects become kernel objects built at the start of the kernel: one kernel class per Python
class (fields: the attributes kernels use; ``kernel_invariants`` are read-only there); device
drivers are such objects too, their ``@kernel`` methods calling the system calls of
``strobe.coredevice.rtio``. Non-kernel functions and methods become RPC stubs.
When the kernel ends, normally or not, one async RPC carries every non-invariant field back
(attribute writeback).
"""

import ast
import builtins
import inspect
import math

from . import language
from .quoting import INT32 as _INT32
from .quoting import INT64 as _INT64
from .composition import Composition, Lines, Quoted, Service, rpc_stub
from .signatures import NoSignature, signature
from .sources import unwrap as _unwrap
from .sources import source_of as _source_of, where as _where
from .quoting import PLAIN, EmbeddingError, Exemplars, check_array, holds_objects, loaded_numpy


#: The file name synthetic lines are reported under (filtered out of tracebacks).
SYNTHETIC = "<strobe-kernel>"
#: RPC services with a fixed meaning; user functions are numbered after them.
WRITEBACK_SERVICE = 0
RESULT_SERVICE = 1

_BUILTIN_EXCEPTIONS = {
    "Exception", "ArithmeticError", "LookupError", "ZeroDivisionError", "OverflowError",
    "IndexError", "KeyError", "ValueError", "AssertionError", "MemoryError", "RuntimeError",
    "NotImplementedError", "TypeError", "RTIOUnderflow", "RTIOOverflow", "DMAError",
}


def _is_kernel(function):
    return getattr(function, "__strobe_kernel__", None) in (language.KERNEL, language.PORTABLE)


class _KernelClass:
    """The kernel class for one Python class."""

    def __init__(self, name, cls):
        self.name = name
        self.cls = cls
        self.objects = []
        #: Attribute names read through `self` in this class's kernel methods, with a use site.
        self.accessed = {}
        self.fields = []
        self.methods = {}  # name -> sources.Source
        self.rpc_methods = {}  # name -> its declaration in the kernel class (an RPC stub)
        self.forwarders = {}  # attribute holding a kernel method or function -> (callee, params)
        self.invariants = set()
        for klass in reversed(cls.__mro__):
            self.invariants |= set(klass.__dict__.get("kernel_invariants", ()))


class _Object:
    def __init__(self, index, obj, kernel_class):
        self.index = index
        self.obj = obj
        self.var = f"_o{index}"
        self.kernel_class = kernel_class
        self.field_values = {}  # name -> kernel expression
        self.field_refs = {}  # name -> indices of the objects that expression holds


class Embedder:
    def __init__(self, frozen=None):
        #: Python class -> :class:`strobe.bundles.FrozenLayout` of the bundles in force: kernels may
        #: not add fields to those classes nor change their fields' kinds.
        self.frozen = frozen or {}
        self.objects = {}  # id(obj) -> _Object
        self.object_order = []
        self.classes = {}  # Python class -> _KernelClass
        self.class_names = set()
        self.functions = {}  # function -> sources.Source
        self.function_order = []
        self.function_aliases = {}  # a global name of a kernel function defined under another
        self.constants = {}  # name -> expression
        self.exception_classes = {}  # name -> Python class
        self.user_classes = {}  # kernel classes copied whole: name -> (class, lines, first, file)
        self.services = [Service("<writeback>", None, True), Service("<result>", None, True)]
        self.rpc_functions = {}  # function -> (service, stub lines)
        self.callback_names = {}  # a host function passed to a kernel -> the name kernels call it by
        self.rpc_stubs = []
        self.loose = {}  # attribute names read through other values, with a use site
        self.call_arities = {}  # name -> numbers of positional arguments kernels call it with
        self.quoted = []  # host values the program reads as data, by slot
        self.quoted_from = []  # a Quoted per slot
        self.exemplars = Exemplars()
        self.pending = []
        self.uses_math = False
        self.module_names = {}  # name -> the module (numpy, scipy, scipy.special) kernels reach by it

    # ---- values -------------------------------------------------------------------------------

    def literal(self, value, where, refs=None):
        """The kernel expression for a host value, registering the objects it holds (their indices
        are added to `refs`)."""
        if value is None:
            return "None"
        if isinstance(value, bool) or ((numpy := loaded_numpy()) is not None and isinstance(value, numpy.bool_)):
            return "True" if value else "False"
        if (numpy := loaded_numpy()) is not None and isinstance(value, numpy.integer):
            wide = value.dtype.itemsize > 4 or (value.dtype.kind == "u" and value.dtype.itemsize == 4)
            width = "int64" if wide else "int32"
            return f"{width}({int(value)})"
        if isinstance(value, int):
            if _INT32[0] <= value < _INT32[1]:
                return str(value)
            if _INT64[0] <= value < _INT64[1]:
                return f"int64({value})"
            raise EmbeddingError(f"{where}: the integer {value} does not fit 64 bits")
        if isinstance(value, float) or ((numpy := loaded_numpy()) is not None and isinstance(value, numpy.floating)):
            value = float(value)
            if math.isfinite(value):
                return repr(value)
            self.uses_math = True
            if math.isnan(value):
                return "(math.inf - math.inf)"
            return "math.inf" if value > 0 else "-math.inf"
        if isinstance(value, (str, bytes)):
            return repr(value)
        if isinstance(value, range):
            return repr(value)
        if isinstance(value, tuple):
            items = [self.literal(v, where, refs) for v in value]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if isinstance(value, list):
            return "[" + ", ".join(self.literal(v, where, refs) for v in value) + "]"
        if (numpy := loaded_numpy()) is not None and isinstance(value, numpy.ndarray):
            check_array(value, where)
            def rows(a):  # numpy scalars keep their width (int64 items stay int64)
                return "[" + ", ".join(rows(r) if r.ndim else self.literal(r, where) for r in a) + "]"
            return "array(" + rows(value) + ")"
        if inspect.ismethod(value) or inspect.isfunction(value) or inspect.isclass(value) or inspect.ismodule(value):
            raise EmbeddingError(f"{where}: {_describe(value)} cannot be stored as a kernel value")
        opaque = type(value) is object  # `object()`: a token kernels pass back to the host
        if isinstance(value, (dict, set, frozenset, bytes, bytearray, complex)) or \
                (type(value).__module__ == "builtins" and not opaque):
            raise EmbeddingError(
                f"{where}: a value of type `{type(value).__name__}` cannot be used in kernels "
                "(they take int, float, bool, str, None, lists, tuples, numpy arrays of numbers and objects)")
        entry = self.embed_object(value, where)
        if refs is not None:
            refs.add(entry.index)
        return entry.var

    def quote(self, value, where, source=None):
        """The kernel expression reading host `value` as quoted data: its slot, and an exemplar that
        gives the compiler its kernel type (the value itself never appears in the program text).
        `source` (a :class:`Quoted` without its exemplar) says where a new value would come from."""
        exemplar = self.exemplar(value, where)
        source = source or Quoted(None, where)
        source.exemplar = exemplar
        self.quoted.append(value)
        self.quoted_from.append(source)
        return f"__strobe_quoted({len(self.quoted) - 1}, {exemplar})"

    def exemplar(self, value, where):
        """The exemplar of `value` (see :mod:`strobe.quoting`); what is not data is refused as any
        host value kernels cannot hold."""
        return self.exemplars.of(value, where, lambda v, w: self.literal(v, w))

    def field_value(self, value, where, refs):
        """A field's kernel expression when it holds objects (they are constructor arguments);
        plain data is only checked here (it is quoted where the constructor sets it), and scalars
        keep their literal (invariant ones may become class constants)."""
        if holds_objects(value):
            return self.literal(value, where, refs)
        self.exemplar(value, where)
        if isinstance(value, PLAIN):
            return self.literal(value, where, refs)
        return f"<data {id(value)}>"

    def argument(self, value, where, name):
        """A kernel argument (`name`: its position or keyword): an object (or a value holding
        objects) by reference, data quoted."""
        if inspect.isfunction(value) or inspect.ismethod(value) or inspect.isbuiltin(value):
            return self.function_argument(value, where)
        if inspect.ismodule(value):
            return self.module_argument(value, where)
        refs = set()
        text = self.literal(value, where, refs) if holds_objects(value) else None
        return text if refs else self.quote(value, where, Quoted(None, where, name=name, argument=True))

    def module_argument(self, module, where):
        """A module passed to a kernel (numpy, scipy, scipy.special, as ARTIQ's tests pass them): the
        kernel calls its functions; it is passed by a name the program imports it as."""
        if module.__name__ not in _FUNCTION_MODULES:
            raise EmbeddingError(f"{where}: module `{module.__name__}` cannot be passed to kernels "
                                 f"(modules of functions can: {', '.join(_FUNCTION_MODULES)})")
        name = "__strobe_module_" + module.__name__.replace(".", "_")
        self.module_names[name] = module.__name__
        return name

    def function_argument(self, function, where):
        """A function passed to a kernel: a kernel function runs on the device, any other is
        called on the host (an RPC); the kernel calls it by the name returned."""
        if _is_kernel(function):
            if inspect.ismethod(function):
                raise EmbeddingError(f"{where}: the bound kernel method `{function.__qualname__}` "
                                     "cannot be passed to a kernel; pass a function")
            self.add_function(function)
            return _unwrap(function).__name__
        if getattr(function, "__strobe_host_only__", False):
            raise EmbeddingError(f"{where}: `{function.__qualname__}` is @host_only: kernels cannot call it")
        name = self.callback_names.get(function)
        if name is None:
            name = f"__strobe_callback_{len(self.callback_names)}"
            self.callback_names[function] = name
            self.add_rpc_function(name, function, where)
        return name

    def embed_object(self, obj, where):
        known = self.objects.get(id(obj))
        if known is not None:
            return known
        index = len(self.object_order)
        entry = _Object(index, obj, self.kernel_class(type(obj)))
        entry.kernel_class.objects.append(entry)
        entry.kernel_class.invariants |= set(getattr(obj, "__dict__", {}).get("kernel_invariants", ()))
        self.objects[id(obj)] = entry
        self.object_order.append(entry)
        return entry

    def kernel_class(self, cls):
        known = self.classes.get(cls)
        if known is not None:
            return known
        base = "HostObject" if cls is object else cls.__name__
        name, n = base, 2
        while name in self.class_names or name == "main":
            name = f"{base}_{n}"
            n += 1
        self.class_names.add(name)
        kc = _KernelClass(name, cls)
        self.classes[cls] = kc
        return kc

    # ---- code ---------------------------------------------------------------------------------

    def add_method(self, kc, name, function):
        if name in kc.methods:
            return
        source = _source_of(function)
        kc.methods[name] = source
        self.scan(source, kc)

    def add_function(self, function):
        function = _unwrap(function)
        if function in self.functions:
            return
        source = _source_of(function)
        self.functions[function] = source
        self.function_order.append(function)
        self.scan(source, None)

    def scan(self, source, kc):
        """Records what a kernel function reads: attributes of `self`, other attributes, globals."""
        self_name = None
        if kc is not None and source.node.args.args:
            self_name = source.node.args.args[0].arg
        facts = source.facts()
        for node in facts.attributes:
            base = node.value
            if isinstance(base, ast.Name) and base.id == self_name:
                kc.accessed.setdefault(node.attr, (source.function, node))
            else:
                self.loose.setdefault(node.attr, (source.function, node))
        for name, count in facts.calls:
            self.call_arities.setdefault(name, set()).add(count)
        for manager in facts.managers:
            # A context manager's methods are called without being named.
            if not (isinstance(manager, ast.Name) and manager.id in ("parallel", "sequential")):
                for method in ("__enter__", "__exit__"):
                    self.loose.setdefault(method, (source.function, manager))
        # Each global is resolved at its first use (the site an error names).
        for node in facts.global_loads:
            self.resolve_global(source.function, node)

    def resolve_global(self, function, node):
        name = node.id
        where = _where(function, node)
        namespace = function.__globals__
        if name not in namespace:
            return  # a builtin or an undefined name: the compiler has the word
        value = namespace[name]
        import strobe

        if getattr(strobe, name, _MISSING) is value or getattr(builtins, name, _MISSING) is value:
            return  # a kernel builtin (delay, us, int32, ...)
        if getattr(value, "__strobe_syscall__", None) == name:
            return  # a system call (rtio_output, ...): the compiler emits it
        if value is math:
            self.uses_math = True
            return
        if inspect.ismodule(value):
            if value.__name__ == "math":
                return
            if value.__name__ in _FUNCTION_MODULES:
                self.module_names[name] = value.__name__
                return
            raise EmbeddingError(f"{where}: module `{value.__name__}` cannot be used in kernels")
        if inspect.isclass(value):
            self.add_class_global(name, value, where)
            return
        if callable(value):
            self.add_callable_global(name, value, where)
            return
        if name in self.constants:
            return
        if isinstance(value, (bool, int, float, str, tuple)) or value is None:
            self.constants[name] = self.literal(value, where)
            return
        raise EmbeddingError(
            f"{where}: global `{name}` holds {_describe(value)}; kernels read module globals only as "
            "constants (int, float, bool, str, tuples): use an attribute instead")

    def add_class_global(self, name, cls, where):
        if issubclass(cls, BaseException):
            self.add_exception_class(cls, where)
            return
        if name in self.user_classes:
            return
        try:
            lines, first = inspect.getsourcelines(cls)
        except (OSError, TypeError) as e:
            raise EmbeddingError(f"{where}: the source of class `{name}` is not available: {e}")
        file = inspect.getsourcefile(cls) or "<unknown>"
        self.user_classes[name] = (cls, [line.rstrip("\n") for line in lines], first, file)
        # Its methods may name globals of their own.
        for member in cls.__dict__.values():
            if inspect.isfunction(member):
                source = _source_of(member)
                for node in source.facts().global_loads:
                    self.resolve_global(source.function, node)

    def add_exception_class(self, cls, where):
        name = cls.__name__
        if name in _BUILTIN_EXCEPTIONS or name in self.exception_classes:
            return
        base = cls.__bases__[0] if cls.__bases__ else Exception
        if base.__name__ not in _BUILTIN_EXCEPTIONS:
            if base.__module__ == "builtins":
                raise EmbeddingError(f"{where}: exception class `{name}` derives from `{base.__name__}`, "
                                     "which kernels do not have")
            self.add_exception_class(base, where)
        self.exception_classes[name] = cls

    def add_callable_global(self, name, value, where):
        if _is_kernel(value):
            self.add_function(value)
            defined = _unwrap(value).__name__
            if defined != name and name not in self.function_aliases:
                # Reached under another name (`f = kernel_from_string(...)`): a forwarder.
                params, _ = signature(value, where, skip_self=False)
                self.function_aliases[name] = (defined, params)
        elif getattr(value, "__strobe_host_only__", False):
            raise EmbeddingError(f"{where}: `{name}` is @host_only: kernels cannot call it")
        else:
            self.add_rpc_function(name, value, where)

    def add_rpc_function(self, name, function, where):
        if function in self.rpc_functions:
            return
        service = len(self.services)
        is_async = "async" in getattr(function, "__strobe_rpc_flags__", ())
        self.services.append(Service(name, function, is_async))
        self.rpc_functions[function] = service
        try:
            params, returns = signature(function, where, skip_self=False, host=True)
        except NoSignature:
            # A builtin such as time.sleep: its stub takes what the kernels pass (one arity).
            self.rpc_stubs.append(lambda: rpc_stub(name, service, is_async, self.positional(name, where), None))
            return
        self.rpc_stubs.append(rpc_stub(name, service, is_async, params, returns))

    def add_rpc_method(self, kc, name, function, where, skip_self=True):
        if name in kc.rpc_methods:
            return
        service = len(self.services)
        is_async = "async" in getattr(function, "__strobe_rpc_flags__", ())
        self.services.append(Service(f"{kc.cls.__name__}.{name}", None, is_async, method=name))
        params, returns = signature(function, where, skip_self=skip_self, host=True)
        # Declared in the kernel class: a call sends the object's `__strobe_id` first.
        kc.rpc_methods[name] = rpc_stub(name, service, is_async, ["self"] + params, returns)

    def positional(self, name, where):
        """Parameters for a host function without a known signature, from how kernels call it."""
        arities = self.call_arities.get(name, set())
        if len(arities) != 1:
            raise EmbeddingError(f"{where}: the signature of `{name}` is unknown and kernels call it with "
                                 f"{' and '.join(map(str, sorted(arities))) or 'no'} arguments; "
                                 "wrap it in a Python function with a fixed signature")
        return [f"__strobe_a{i}" for i in range(next(iter(arities)))]

    # ---- attribute resolution -----------------------------------------------------------------

    def resolve_attributes(self):
        """Reads the attributes kernels use from every object, until nothing new turns up."""
        while True:
            changed = self.fill_fields()
            for kc in list(self.classes.values()):
                names = [(n, True, site) for n, site in kc.accessed.items()]
                names += [(n, False, site) for n, site in self.loose.items() if n not in kc.accessed]
                for name, precise, site in names:
                    if name in kc.fields or name in kc.methods or name in kc.rpc_methods \
                            or name in kc.forwarders:
                        continue
                    if self.resolve_attribute(kc, name, precise, _where(*site)):
                        if kc.cls in self.frozen and name in kc.fields:
                            self.frozen[kc.cls].check_field(name, _where(*site))
                        changed = True
            if not changed:
                return

    def fill_fields(self):
        """Values of known fields for objects that joined their class after the field was found."""
        changed = False
        for kc in list(self.classes.values()):
            for f in kc.fields:
                for o in list(kc.objects):
                    if f in o.field_values:
                        continue
                    where = f"attribute `{f}` of a `{kc.cls.__name__}` object"
                    if not hasattr(o.obj, f):
                        raise EmbeddingError(f"{where}: missing in this object, present in another of its class")
                    o.field_refs[f] = set()
                    o.field_values[f] = self.field_value(getattr(o.obj, f), where, o.field_refs[f])
                    changed = True
        return changed

    def resolve_attribute(self, kc, name, precise, where):
        if not kc.objects:
            return False
        sample = kc.objects[0].obj
        try:
            static = inspect.getattr_static(sample, name)
        except AttributeError:
            if precise:
                raise EmbeddingError(f"{where}: `{kc.cls.__name__}` object has no attribute `{name}`")
            return False
        in_instance = name in getattr(sample, "__dict__", {})
        if not in_instance and (inspect.isfunction(static) or isinstance(static, (staticmethod, classmethod, property))):
            if not inspect.isfunction(static):
                if precise:
                    raise EmbeddingError(f"{where}: `{kc.cls.__name__}.{name}` is a {type(static).__name__}; "
                                         "kernels call plain methods")
                return False
            if _is_kernel(static):
                self.add_method(kc, name, static)
            elif getattr(static, "__strobe_host_only__", False):
                if precise:
                    raise EmbeddingError(f"{where}: `{kc.cls.__name__}.{name}` is @host_only: kernels cannot call it")
                return False
            else:
                self.add_rpc_method(kc, name, static, where)
            return True
        if in_instance and inspect.ismethod(sample.__dict__[name]):
            return self.resolve_bound_method(kc, name, precise, where)
        if in_instance and inspect.isfunction(sample.__dict__[name]):
            return self.resolve_function_attribute(kc, name, precise, where)
        values = []
        for o in kc.objects:
            if not hasattr(o.obj, name):
                if precise:
                    raise EmbeddingError(f"{where}: a `{kc.cls.__name__}` object has no attribute `{name}`")
                return False
            values.append(getattr(o.obj, name))
        if name == "kernel_invariants" and not precise:
            return False
        refs = [set() for _ in values]
        try:
            literals = [self.field_value(v, f"{where}: attribute `{name}` of `{kc.cls.__name__}`", r)
                        for v, r in zip(values, refs)]
        except EmbeddingError:
            if precise:
                raise
            return False
        for o, lit, r in zip(kc.objects, literals, refs):
            o.field_values[name] = lit
            o.field_refs[name] = r
        kc.fields.append(name)
        return True

    def resolve_bound_method(self, kc, name, precise, where):
        """An attribute holding a bound method: an RPC if the method is not a kernel, else a method
        forwarding to the bound object's kernel method (the object becomes a hidden field)."""
        methods = [o.obj.__dict__.get(name) for o in kc.objects]
        functions = {getattr(m, "__func__", None) for m in methods}
        if len(functions) != 1 or None in functions:
            if precise:
                raise EmbeddingError(f"{where}: attribute `{name}` of the `{kc.cls.__name__}` objects holds "
                                     "different kinds of values; kernels need one type per attribute")
            return False
        function = functions.pop()
        if not _is_kernel(function):
            self.add_rpc_method(kc, name, function, where)
            return True
        targets = [self.embed_object(m.__self__, where) for m in methods]
        target_class = targets[0].kernel_class
        if any(t.kernel_class is not target_class for t in targets):
            raise EmbeddingError(f"{where}: attribute `{name}` holds methods of objects of different classes")
        self.add_method(target_class, function.__name__, function)
        field = f"_strobe_bound_{name}"
        for o, t in zip(kc.objects, targets):
            o.field_values[field] = t.var
            o.field_refs[field] = {t.index}
        kc.fields.append(field)
        kc.invariants.add(field)
        params, _ = signature(function, where, skip_self=True)
        kc.forwarders[name] = (f"self.{field}.{function.__name__}", params)
        return True

    def resolve_function_attribute(self, kc, name, precise, where):
        """An attribute holding a function (not a method): a kernel function is called through a
        forwarding method, a host function is an RPC taking no object."""
        functions = {id(o.obj.__dict__.get(name)): o.obj.__dict__.get(name) for o in kc.objects}
        function = next(iter(functions.values()))
        if len(functions) != 1 or not inspect.isfunction(function):
            if precise:
                raise EmbeddingError(f"{where}: attribute `{name}` of the `{kc.cls.__name__}` objects holds "
                                     "different functions; kernels need one per attribute")
            return False
        if not _is_kernel(function):
            self.add_rpc_method(kc, name, function, where, skip_self=False)
            return True
        self.add_function(function)
        params, _ = signature(function, where, skip_self=False)
        kc.forwarders[name] = (_unwrap(function).__name__, params)
        return True

    # ---- output -------------------------------------------------------------------------------

    def compose(self, entry_call, entry_object):
        out = Lines()
        out.synthetic("from strobe import *")
        if self.uses_math:
            out.synthetic("import math")
        for name, module in sorted(self.module_names.items()):
            out.synthetic(f"import {module}" if name == module else f"import {module} as {name}")
        for name, value in self.constants.items():
            out.synthetic(f"{name} = {value}")
        for name, cls in self.exception_classes.items():
            base = (cls.__bases__[0] if cls.__bases__ else Exception).__name__
            out.synthetic(f"class {name}({base}):")
            out.synthetic("    pass")
        for name, (cls, lines, first, file) in self.user_classes.items():
            out.copy(lines, file, first)
        for name, (defined, params) in self.function_aliases.items():
            for line in _forwarder(name, params, defined):
                out.synthetic(line)
        for function in self.function_order:
            source = self.functions[function]
            out.copy(source.reindented(0), source.file, source.first_line)
        for stub in self.rpc_stubs:
            for line in stub() if callable(stub) else stub:
                out.synthetic(line)
        layouts = {kc: self.layout(kc) for kc in self.classes.values()}
        for kc, layout in layouts.items():
            self.compose_class(out, kc, layout)
        writeback = []
        out.synthetic("def main():")
        for o in self.construction_order():
            kc = o.kernel_class
            object_fields, data_fields, _ = layouts[kc]
            # A typed index: an untyped literal would hold back inference until literals default.
            args = [f"int32({o.index})"] + [o.field_values[f] for f in object_fields]
            out.synthetic(f"    {o.var} = {kc.name}({', '.join(args)})")
            writeback += [(o, f) for f in data_fields if f not in kc.invariants]
        out.synthetic("    try:")
        out.synthetic(f"        __strobe_result({entry_call})")
        out.synthetic("    finally:")
        if writeback:
            values = ", ".join(f"{o.var}.{f}" for o, f in writeback)
            out.synthetic(f"        __strobe_writeback({values})")
        else:
            out.synthetic("        pass")
        # The two fixed services (stubs placed after main is fine: module scope).
        if writeback:
            params = ", ".join(f"v{i}" for i in range(len(writeback)))
            out.synthetic(f"@rpc(service={WRITEBACK_SERVICE}, flags={{\"async\"}})")
            out.synthetic(f"def __strobe_writeback({params}):")
            out.synthetic("    pass")
        out.synthetic(f"@rpc(service={RESULT_SERVICE}, flags={{\"async\"}})")
        out.synthetic("def __strobe_result(value):")
        out.synthetic("    pass")
        composition = Composition(
            text=out.text(),
            runs=out.runs,
            services=self.services,
            writeback=[(o.obj, f) for o, f in writeback],
            objects={o.index: o.obj for o in self.object_order},
            exception_classes=dict(self.exception_classes),
            quoted=self.quoted,
            layouts={kc.cls: self.class_layout(kc, layouts[kc]) for kc in self.classes.values()},
        )
        composition.quoted_from = self.quoted_from
        return composition

    def field_site(self, kc, field):
        """Where a kernel first reads `field` (file:line), for messages about it."""
        site = kc.accessed.get(field) or self.loose.get(field)
        return _where(*site) if site else f"attribute `{field}` of a `{kc.cls.__name__}` object"

    def class_layout(self, kc, layout):
        """{field: (exemplar, use site)} of a kernel class (exemplar None for object fields)."""
        object_fields, _, _ = layout
        out = {}
        for f in kc.fields:
            exemplar = None
            if f not in object_fields and kc.objects and hasattr(kc.objects[0].obj, f):
                try:
                    exemplar = self.exemplar(getattr(kc.objects[0].obj, f), f)
                except EmbeddingError:
                    exemplar = None
            out[f] = (exemplar, self.field_site(kc, f))
        return out

    def layout(self, kc):
        """Fields holding objects (constructor parameters), data fields (literals in `__init__`) and
        class constants: invariant floats, bools and strings with one value in every object, folded
        into the code that reads them (ints stay fields: their kernel type comes from their use)."""
        object_fields = [f for f in kc.fields if any(o.field_refs.get(f) for o in kc.objects)]
        constants = {}
        for f in kc.fields:
            if f not in kc.invariants or f in object_fields:
                continue
            values = {o.field_values[f] for o in kc.objects}
            if len(values) == 1 and all(isinstance(getattr(o.obj, f), (float, bool, str)) for o in kc.objects):
                constants[f] = values.pop()
        data_fields = [f for f in kc.fields if f not in object_fields and f not in constants]
        return object_fields, data_fields, constants

    def kernel_type(self, kc, field):
        """The kernel type of an object-holding field, as an annotation (None when not one type)."""
        def of(value):
            if isinstance(value, (list, tuple)) and value and not isinstance(value, tuple):
                items = {of(v) for v in value}
                return f"list[{items.pop()}]" if len(items) == 1 and None not in items else None
            entry = self.objects.get(id(value))
            if entry is None:
                return None
            return entry.kernel_class.name

        kinds = {of(getattr(o.obj, field, None)) if not field.startswith("_strobe_bound_")
                 else of(getattr(o.obj, field[len("_strobe_bound_"):]).__self__) for o in kc.objects}
        return kinds.pop() if len(kinds) == 1 else None

    def compose_class(self, out, kc, layout):
        object_fields, data_fields, constants = layout
        out.synthetic(f"class {kc.name}:")
        invariants = sorted(i for i in kc.invariants if i in kc.fields and not i.startswith("_strobe"))
        if invariants:
            out.synthetic(f"    kernel_invariants = {{{', '.join(repr(i) for i in invariants)}}}")
        for name, value in constants.items():
            out.synthetic(f"    {name} = {value}")
        # Fully annotated, `__init__` is a link unit of its own: the host values it holds are not
        # folded into the kernels, and a changed value recompiles (and re-sends) only this unit.
        types = [self.kernel_type(kc, f) for f in object_fields]
        if all(types):
            params = ["__strobe_index: int32"] + [f"{f}: {t}" for f, t in zip(object_fields, types)]
            out.synthetic(f"    def __init__(self, {', '.join(params)}) -> None:")
        else:
            params = ["__strobe_index"] + object_fields
            out.synthetic(f"    def __init__(self, {', '.join(params)}):")
        # First, so RPCs find it without knowing the class (`strobe_types::HOST_OBJECT_ID`).
        out.synthetic("        self.__strobe_id = __strobe_index")
        for f in object_fields:
            out.synthetic(f"        self.{f} = {f}")
        # Data fields are assigned here (not passed in), so an empty list's element type can come
        # from the kernel's use of it; one branch per object of the class.
        for i, o in enumerate(kc.objects):
            indent = "        "
            if len(kc.objects) > 1:
                out.synthetic(f"        {'if' if i == 0 else 'elif'} __strobe_index == {o.index}:")
                indent += "    "
            for f in data_fields:
                value = getattr(o.obj, f)
                where = f"attribute `{f}` of a `{kc.cls.__name__}` object"
                quoted = self.quote(value, where, Quoted(None, self.field_site(kc, f), o.obj, f))
                if kc.cls in self.frozen:
                    self.frozen[kc.cls].check_kind(f, self.quoted_from[-1])
                out.synthetic(f"{indent}self.{f} = {quoted}")
            if len(kc.objects) > 1 and not data_fields:
                out.synthetic(f"{indent}pass")
        if not (kc.rpc_methods or object_fields or data_fields):
            out.synthetic("        pass")
        for name, source in kc.methods.items():
            out.copy(source.reindented(4), source.file, source.first_line)
        for stub in kc.rpc_methods.values():
            for line in stub:
                out.synthetic("    " + line)
        for name, (callee, params) in kc.forwarders.items():
            for line in _forwarder(name, ["self"] + params, callee, passed=params):
                out.synthetic("    " + line)

    def construction_order(self):
        """Objects before the objects whose fields hold them."""
        order, state = [], {}

        def visit(o, chain):
            if state.get(o.index) == "done":
                return
            if state.get(o.index) == "visiting":
                names = " -> ".join(type(c.obj).__name__ for c in chain + [o])
                raise EmbeddingError(f"host objects used by the kernel refer to each other in a cycle ({names}); "
                                     "kernels need objects that form a tree")
            state[o.index] = "visiting"
            for index in sorted(set().union(*o.field_refs.values())):
                visit(self.object_order[index], chain + [o])
            state[o.index] = "done"
            order.append(o)

        for o in list(self.object_order):
            visit(o, [])
        return order


_MISSING = object()

#: Modules whose functions kernels call (`math` is imported under its own name).
_FUNCTION_MODULES = ("math", "numpy", "scipy", "scipy.special")

def _describe(value):
    if inspect.ismodule(value):
        return f"module `{value.__name__}`"
    if inspect.isclass(value):
        return f"class `{value.__name__}`"
    if inspect.ismethod(value):
        return f"the bound method `{value.__qualname__}`"
    if inspect.isfunction(value):
        return f"the function `{value.__qualname__}`"
    return f"a `{type(value).__name__}`"


def _forwarder(name, params, callee, passed=None):
    """A kernel function `name(params)` that returns `callee` called with its parameters
    (`passed`, when not all of them)."""
    names = [p.split("=")[0].strip() for p in (params if passed is None else passed)]
    return [f"def {name}({', '.join(params)}):", f"    return {callee}({', '.join(names)})"]


def compose(function, args, kwargs, frozen=None):
    """The program that runs ``function(*args, **kwargs)`` on the core device; `frozen`: the
    layouts bundles in force fix (see :mod:`strobe.bundles`)."""
    function = _unwrap(function)
    embedder = Embedder(frozen)
    where = _where(function)
    receiver = args[0] if args and hasattr(type(args[0]), function.__name__) else None
    if receiver is not None:
        entry = embedder.embed_object(receiver, where)
        embedder.add_method(entry.kernel_class, function.__name__, function)
        callee = f"{entry.var}.{function.__name__}"
        rest = args[1:]
    else:
        embedder.add_function(function)
        callee = function.__name__
        rest = args
    arguments = [embedder.argument(a, f"{where}: kernel argument", i) for i, a in enumerate(rest)]
    arguments += [f"{k}={embedder.argument(v, f'{where}: kernel argument `{k}`', k)}" for k, v in kwargs.items()]
    embedder.resolve_attributes()
    return embedder.compose(f"{callee}({', '.join(arguments)})", receiver)

"""Running kernels: compose, compile and load through the extension module ``strobe._native``,
serve RPCs, write attributes back, turn the kernel's outcome into a return value or a Python
exception. Works in any interpreter the package is installed in (a script, pytest, Jupyter); sessions
still open when the interpreter exits are closed then (a simulator never outlives its process).
"""

import atexit
import builtins
import linecache
import os
import re
import sys
import types

from . import embed, exceptions
from .log import logger
from .quoting import loaded_numpy
from .exceptions import RPCReturnValueError

#: Set by the experiment runner from the command line: the device address, the cache switch.
settings = {"device": None, "no_cache": False, "take_over": False, "record": None}
#: Every session opened in this process (the runner writes their traces at the end).
sessions = []


def _native():
    try:
        from . import _native as native
    except ImportError as e:
        raise RuntimeError("running kernels needs the compiled part of strobe (`strobe._native`), "
                           f"which this copy of the package lacks: install the wheel ({e})") from None
    return native


@atexit.register
def close_sessions():
    """Closes every session this process opened (stopping the simulators it started, finishing
    a recording one makes); the first failure is raised once all are closed."""
    failure = None
    for session in sessions:
        try:
            session.close()
        except Exception as e:
            failure = failure or e
    sessions.clear()
    if failure is not None:
        raise failure


class KernelRunner:
    """One core device's connection and the state of its kernel calls."""

    def __init__(self, core):
        native = _native()
        # The first session records (`--record`: file, experiment, arguments); one recording
        # holds one device's runs.
        record, settings["record"] = settings["record"], None
        self.session = native.Session(core.device or settings["device"], settings["no_cache"],
                                      settings["take_over"], record)
        sessions.append(self.session)
        self.core = core
        #: The device's RTIO channels: (outputs, inputs, clock generators).
        self.channels = self.session.rtio_channels()
        #: Per RPC service name: the Python type of its first result (a later different one is an error).
        self.result_types = {}
        #: Figures of the last call (benchmarks): compile and upload seconds, run wall time, cycles.
        self.last = {}
        #: Bundles in force, innermost last (``strobe.bundles``).
        self.bundles = []

    def close(self):
        """Nothing to do: the runner ends every session (and writes its trace) when the experiment ends."""

    def frozen(self, exclude=None):
        """The object layouts the bundles in force freeze (class -> FrozenLayout)."""
        layouts = {}
        for bundle in self.bundles:
            if bundle is not exclude:
                layouts.update(bundle.frozen)
        return layouts

    def run(self, function, args, kwargs):
        # Devices made since the last call too.
        self.core.check_channels(*self.channels)
        for bundle in reversed(self.bundles):
            prepared = bundle.prepared_for(function, args, kwargs)
            if prepared is not None:
                return prepared.call(args, kwargs)
        composition = embed.compose(function, args, kwargs, self.frozen())
        return self.finish(composition, self.load(composition))

    def load(self, composition):
        """Compiles a composed program and puts it on the device; returns its exception classes."""
        native = _native()
        if os.environ.get("STROBE_DUMP_KERNEL"):
            sys.stderr.write(composition.text)
        try:
            return self.session.load(embed.SYNTHETIC, composition.text, composition.runs, composition.quoted)
        except native.KernelCompileError as e:
            raise exceptions.CompileError(str(e)) from None

    def finish(self, composition, exception_ids, writeback=True):
        """Runs the loaded program, serving its RPCs; its result, or its exception raised here.
        Without `writeback` the attributes the kernel changed stay as they are on the host."""
        server = _RpcServer(self, composition, exception_ids, writeback)
        outcome = self.session.run(server.serve, _write_output, composition.objects)
        compile_s, upload_s, delivery, sent, units = self.session.last_load()
        sent_units, resident_units, evicted = self.session.last_units()
        link_s, send_s = self.session.last_times()
        self.last = {"compile": compile_s, "upload": upload_s, "delivery": delivery, "bytes": sent,
                     "units_compiled": units, "units_sent": sent_units, "units_resident": resident_units,
                     "evicted": evicted, "link": link_s, "send": send_s, "wall": outcome["wall"],
                     "cycles": outcome.get("cycles")}
        if outcome["outcome"] == "finished":
            return server.result
        if outcome["outcome"] == "fault":
            raise exceptions.KernelFault(outcome["message"])
        raise server.kernel_exception(outcome)


def _write_output(text):
    sys.stdout.write(text)
    sys.stdout.flush()


class _RpcServer:
    def __init__(self, runner, composition, exception_ids, writeback=True):
        self.runner = runner
        self.writeback = writeback
        self.composition = composition
        #: Every exception class the kernel knows (builtins and the experiment's) -> its type id.
        self.exception_ids = dict(exception_ids)
        self.result = None
        #: The exceptions RPCs raised into the kernel: one the kernel reports is raised here as
        #: that very object.
        self.rpc_exceptions = []

    def serve(self, service, args, ret_tags):
        c = self.composition
        if service == embed.WRITEBACK_SERVICE:
            if self.writeback:
                for (obj, attr), value in zip(c.writeback, args):
                    _write_back(obj, attr, value)
            return ("ok", None)
        if service == embed.RESULT_SERVICE:
            self.result = args[0]
            return ("ok", None)
        if not 0 <= service < len(c.services):
            return self.raise_in_kernel(RuntimeError, f"no RPC service {service}")
        s = c.services[service]
        try:
            if s.method is not None:
                value = s.call(getattr(c.objects[args[0]], s.method), args[1:])
            else:
                value = s.call(s.function, args)
        except Exception as e:  # the kernel gets it, and may catch it
            return self.raise_host_exception(e)
        if s.is_async:
            return ("ok", None)
        if ret_tags == "n":
            if value is None:
                return ("ok", None)
            return self.raise_host_exception(RPCReturnValueError(
                f"RPC `{s.name}` returned {value!r}, but the kernel takes None from it "
                "(annotate its return type to use the value)"))
        first = self.runner.result_types.setdefault(s.name, type(value))
        if not _same_kind(first, type(value)):
            message = (f"RPC `{s.name}` returned {type(value).__name__} this time but "
                       f"{first.__name__} at its first call: its result type must not change")
            return self.raise_host_exception(RPCReturnValueError(message))
        return ("ok", value)

    def raise_host_exception(self, exc):
        """Raises the host's exception `exc` in the kernel; if the kernel does not catch it, the
        host gets this very object back."""
        self.rpc_exceptions.append(exc)
        return self.raise_in_kernel(type(exc), str(exc))

    def raise_in_kernel(self, cls, message):
        """The answer that raises `cls(message)` in the kernel, as the kernel's class of that name
        or else of its nearest base the kernel knows."""
        type_id = next((self.exception_ids[k.__name__] for k in cls.__mro__ if k.__name__ in self.exception_ids),
                       self.exception_ids["Exception"])
        return ("raise", type_id, cls.__name__, message)

    def named_channels(self, name, message):
        """An RTIO error's channel number as ARTIQ shows it: ``channel 0x0:ttl0``."""
        if not name.startswith("RTIO"):
            return message
        return re.sub(r"channel (\d+)", _rtio_channel_namer(self.runner.core), message)

    def kernel_exception(self, outcome):
        """The Python exception for a kernel's uncaught one, with the kernel frames in its traceback.
        One raised while others were handled is reported, as ARTIQ's, as the first of that chain,
        the whole chain in its core device text."""
        chain = _exception_chain(outcome, self.exception_ids.get(outcome["name"], 0))
        name, _, message, traceback = chain[0]
        frames = _parse_traceback(traceback)
        previous = next((e for e in reversed(self.rpc_exceptions)
                         if type(e).__name__ == name and str(e) == message), None)
        tail = None
        if previous is not None:
            # An RPC's exception the kernel did not catch: the very same object, its host frames
            # (below the RPC server's) after the kernel's.
            exc = previous
            tail = previous.__traceback__.tb_next if previous.__traceback__ else None
        else:
            cls = (self.composition.exception_classes.get(name)
                   or getattr(exceptions, name, None)
                   or getattr(builtins, name, None))
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                cls = RuntimeError
            # A bare failed `assert` reaches the host with its class name as message, as ARTIQ's.
            if not message and cls is AssertionError:
                message = name
            message = self.named_channels(name, message)
            exc = cls(message) if message else cls()
        for _, _, text, _ in chain:
            _check_format(text)
        exc.strobe_core_exception = CoreException(
            [(n, i, self.named_channels(n, m), t) for n, i, m, t in chain])
        return exc.with_traceback(_kernel_traceback(frames, tail))


def _rtio_channel_namer(core):
    def rename(match):
        return f"channel {core.channel_name(int(match.group(1)))}"
    return rename


def _exception_chain(outcome, type_id):
    """(name, id, message, traceback) of each exception of a report's chain, oldest first (the
    report's own last): the device writes the earlier ones into the traceback text, each ending
    with a `Name(id): message` line and the chain separator."""
    sections = outcome["traceback"].split(_native().CHAIN_SEPARATOR)
    chain = []
    for section in sections[:-1]:
        lines = section.split("\n")
        # Frame lines are indented; the exception's line is the first that is not.
        at = next((i for i, line in enumerate(lines) if line and not line.startswith(" ")), len(lines))
        head = "\n".join(lines[at:])
        match = re.match(r"([\w.]+)\((\d+)\): (.*)", head, re.DOTALL)
        if match is None:
            continue
        chain.append((match.group(1), int(match.group(2)), match.group(3),
                      "\n".join(lines[:at]) + "\n"))
    chain.append((outcome["name"], type_id, outcome["message"], sections[-1]))
    return chain


class CoreException:
    """What the core device said of an exception a kernel did not catch, as ARTIQ's core exception
    text: for it and each exception it was raised while handling (oldest first), the kernel's
    traceback and ``Name(id): message``."""

    def __init__(self, chain):
        self.chain = chain
        self.name, self.type_id, self.message, self.traceback = chain[0]

    def __str__(self):
        parts = []
        for name, type_id, message, traceback in self.chain:
            lines = [traceback.rstrip("\n"), f"{name}({type_id}): {message}"]
            parts.append("\n".join(line for line in lines if line))
        during = "\n\nDuring handling of the above exception, another exception occurred:\n\n"
        return "Core Device Traceback:\n" + during.join(parts) + "\nEnd of Core Device Traceback"


def _check_format(message):
    """A message with braces it does not fill (`{foo}`) is kept as written, and logged as ARTIQ's
    host does when it cannot format one."""
    if "{" not in message:
        return
    try:
        message.format()
    except (KeyError, IndexError, ValueError):
        logger("strobe.coredevice.comm_kernel").exception("Couldn't format exception message")


def _kind(t):
    """The kernel-relevant kind of a Python result type (numpy scalars count as their Python kind)."""
    if issubclass(t, bool) or t.__name__ == "bool_":
        return "bool"
    for kind, names in (("int", ("int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")),
                        ("float", ("float", "float32", "float64")),
                        ("list", ("list", "tuple", "ndarray"))):
        if t.__name__ in names:
            return kind
    return t.__name__


def _same_kind(a, b):
    return _kind(a) == _kind(b)


def _write_back(obj, attr, value):
    """Sets `obj.attr` to the kernel's value if it changed; lists and arrays are updated in place."""
    old = getattr(obj, attr, None)
    numpy = loaded_numpy()  # None unless the program uses numpy
    if (isinstance(old, list) and isinstance(value, list)) or \
            (isinstance(old, bytearray) and isinstance(value, bytearray)):
        if old != value:
            old[:] = value
        return
    if numpy is not None and isinstance(old, numpy.ndarray):
        value = numpy.asarray(value)
        if old.shape == value.shape:
            old[...] = value
        else:
            setattr(obj, attr, value.astype(old.dtype))
        return
    if isinstance(old, tuple) and isinstance(value, list):
        value = tuple(value)
    if type(old) is not type(value) or old != value:
        setattr(obj, attr, value)


def _parse_traceback(text):
    """(file, line, function) of each kernel frame, outermost first, synthetic ones left out."""
    frames = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith('File "'):
            continue
        try:
            file, rest = line[len('File "'):].split('", line ', 1)
            number, function = rest.split(", in ", 1)
            number = int(number)
        except ValueError:
            continue
        if file.startswith(embed.SYNTHETIC):
            continue
        frames.append((file, number, function))
    return frames


def _kernel_traceback(frames, tail):
    """A traceback whose entries are the kernel frames (real file names and lines, so tracebacks
    show their source), followed by `tail`."""
    tb = tail
    for file, line, function in reversed(frames):
        code = compile(_probe_source(file, line), file, "exec").replace(co_name=function)
        try:
            exec(code, _ProbeNames(function))
        except _FrameProbe as probe:
            raised = probe.__traceback__.tb_next
        # The position of the `raise` on that line: what Python shows as the frame's line.
        tb = types.TracebackType(tb, raised.tb_frame, raised.tb_lasti, line)
    return tb


class _FrameProbe(Exception):
    pass


_PROBE = "__strobe_probe"


class _ProbeNames(dict):
    """Globals for a probe: any `__strobe_probe...` name is the probe exception."""

    def __init__(self, function):
        super().__init__(__name__=function)

    def __missing__(self, key):
        if key.startswith(_PROBE):
            return _FrameProbe()
        raise KeyError(key)


def _probe_source(file, line):
    """Source whose `raise` sits on line `line` and spans the same columns as the kernel's source
    line there (so Python's traceback marks the whole line, not a piece of it)."""
    text = linecache.getline(file, line).rstrip("\n")
    indent = len(text) - len(text.lstrip())
    name = _PROBE + "_" * max(0, len(text.strip()) - len("raise " + _PROBE))
    if indent and line > 1:
        return "\n" * (line - 2) + "if 1:\n" + " " * indent + f"raise {name}"
    return "\n" * (line - 1) + f"raise {name}"

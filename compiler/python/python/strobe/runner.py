"""The experiment runner behind ``strobe run experiment.py`` and ``strobe compile experiment.py``.

It loads the experiment's module, finds its experiment class, builds it with the device database
(``device_db.py`` beside the file, else the simulated core device's) and the ``-p name=value``
arguments, then runs ARTIQ's stages: ``prepare()``, ``run()``, ``analyze()``.
"""

import importlib.util
import inspect
import os
import sys
import traceback

from . import arguments, devices, devices_db, embed, exceptions, runtime
from .environment import Experiment


def load_module(path):
    name = "strobe_experiment_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec.loader.exec_module(module)
    return module


def experiment_class(module, class_name):
    found = [c for c in vars(module).values()
             if inspect.isclass(c) and issubclass(c, Experiment) and c.__module__ == module.__name__
             and not inspect.isabstract(c)]
    if class_name is not None:
        for c in found:
            if c.__name__ == class_name:
                return c
        raise arguments.ArgumentError(f"no experiment class `{class_name}` in {module.__file__} "
                                      f"(it has: {', '.join(c.__name__ for c in found) or 'none'})")
    if len(found) != 1:
        names = ", ".join(c.__name__ for c in found) or "none"
        raise arguments.ArgumentError(
            f"{module.__file__} must define exactly one experiment class (found: {names}); choose one with --class")
    return found[0]


def device_db_for(path):
    beside = os.path.join(os.path.dirname(os.path.abspath(path)), "device_db.py")
    if os.path.exists(beside):
        return devices_db.DeviceDB(beside)
    return devices_db.DeviceDB(devices.SIM_DEVICE_DB)


def build_experiment(path, params, class_name):
    module = load_module(path)
    cls = experiment_class(module, class_name)
    values = dict(arguments.parse_assignment(p) for p in params)
    manager = devices_db.DeviceManager(device_db_for(path))
    exp = cls(device_mgr=manager, arguments=values)
    unused = exp.unused_arguments() if hasattr(exp, "unused_arguments") else []
    if unused:
        raise arguments.ArgumentError(f"unknown argument(s) for {cls.__name__}: {', '.join(unused)}")
    return exp, manager


def _report(e):
    if isinstance(e, exceptions.CompileError):
        sys.stderr.write(str(e))
        return 1
    if isinstance(e, (arguments.ArgumentError, devices_db.DeviceError, embed.EmbeddingError)):
        sys.stderr.write(f"error: {e}\n")
        return 1
    # The experiment's frames and the kernel's, not this package's machinery in between.
    package = os.path.dirname(os.path.abspath(__file__))
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if not os.path.abspath(f.filename).startswith(package + os.sep)]
    sys.stderr.write("Traceback (most recent call last):\n")
    sys.stderr.write("".join(traceback.format_list(frames)))
    sys.stderr.write("".join(traceback.format_exception_only(type(e), e)))
    return 1


def run_experiment(path, params, class_name=None, device=None, trace=None, vcd=None, no_cache=False):
    """Runs an experiment; returns the exit code (errors are printed)."""
    runtime.settings.update(device=device, no_cache=no_cache)
    code = 0
    try:
        exp, _ = build_experiment(path, params, class_name)
        exp.prepare()
        exp.run()
        exp.analyze()
    except Exception as e:
        code = _report(e)
    finally:
        sys.stdout.flush()
        try:
            for session in runtime.sessions:
                session.write_traces(trace, vcd)
        finally:
            # Also when writing a trace fails: a session's simulator must not outlive the run.
            runtime.close_sessions()
    return code


def compile_experiment(path, output, params, class_name=None, no_cache=False):
    """Compiles an experiment's ``run`` kernel to an ELF file without a device."""
    from ._native import KernelCompileError, compile_program

    try:
        exp, _ = build_experiment(path, params, class_name)
        run = type(exp).run
        if getattr(run, "__strobe_kernel__", None) != "kernel":
            raise embed.EmbeddingError(f"{type(exp).__name__}.run is not a @kernel: nothing to compile")
        composition = embed.compose(run, (exp,), {})
        try:
            compile_program(embed.SYNTHETIC, composition.text, composition.runs, output, no_cache)
        except KernelCompileError as e:
            raise exceptions.CompileError(str(e)) from None
    except Exception as e:
        return _report(e)
    return 0

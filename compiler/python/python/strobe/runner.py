"""The experiment runner behind ``strobe run experiment.py`` and ``strobe compile experiment.py``,
as ARTIQ's ``artiq_run``.

It loads the experiment's module, picks its experiment class (the one public experiment class, or
``--class``), builds it with ARTIQ's managers: the device database (``device_db.py`` beside the
file, else the simulated core device's; ``scheduler`` and ``ccb`` always), the datasets
(``--dataset-db``), the ``-p name=value`` arguments. Then it runs ``prepare()``, ``run()``,
``analyze()`` with Ctrl-C turned into a termination request, and ends by writing the run's datasets
(``-o results.h5``, else printing them) and saving the persistent ones.
"""

import importlib.util
import inspect
import os
import sys
import time
import traceback

from . import arguments, devices, devices_db, embed, exceptions, runtime
from .datasets import DatasetDB, DatasetManager
from .environment import ArgumentManager, is_experiment, is_public_experiment
from .scheduler import CtrlC, virtual_devices


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


def experiment_name(cls):
    """How a listing shows an experiment: the first line of its own docstring, else its class name."""
    doc = cls.__dict__.get("__doc__")
    first = doc.strip().splitlines()[0].strip() if doc and doc.strip() else ""
    return first or cls.__name__


def _candidates(module):
    found = inspect.getmembers(module, is_public_experiment)
    return ", ".join(f"{name} ({experiment_name(c)})" if experiment_name(c) != name else name
                     for name, c in found) or "none"


def experiment_class(module, class_name):
    """The experiment to run: `class_name` (dotted names reach nested classes) if given, else the
    module's one public experiment class (underscore-prefixed ones are helpers, as in ARTIQ)."""
    if class_name is not None:
        obj = module
        for part in class_name.split("."):
            obj = getattr(obj, part, None)
        if not is_experiment(obj):
            raise arguments.ArgumentError(f"no experiment class `{class_name}` in {module.__file__} "
                                          f"(it has: {_candidates(module)})")
        return obj
    found = inspect.getmembers(module, is_public_experiment)
    if len(found) != 1:
        what = "no experiment class" if not found else "more than one experiment class"
        raise arguments.ArgumentError(f"{module.__file__} has {what} (found: {_candidates(module)}); "
                                      "choose one with --class")
    return found[0][1]


def device_db_for(path, device_db=None):
    """`device_db` (a ``device_db.py`` path) when given, else the one beside the experiment, else
    the simulated core device's."""
    if device_db is not None:
        return devices_db.DeviceDB(device_db)
    beside = os.path.join(os.path.dirname(os.path.abspath(path)), "device_db.py")
    if os.path.exists(beside):
        return devices_db.DeviceDB(beside)
    return devices_db.DeviceDB(devices.SIM_DEVICE_DB)


class Run:
    """One experiment's managers, as ``artiq_run`` makes them."""

    def __init__(self, path, params, class_name, dataset_db=None, device_db=None):
        module = load_module(path)
        self.cls = experiment_class(module, class_name)
        values = dict(arguments.parse_assignment(p) for p in params)
        self.expid = {"file": path, "class_name": class_name, "arguments": values}
        self.virtual = virtual_devices(self.expid)
        self.device_mgr = devices_db.DeviceManager(device_db_for(path, device_db), self.virtual)
        self.dataset_db = DatasetDB(dataset_db)
        self.dataset_mgr = DatasetManager(self.dataset_db)
        self.argument_mgr = ArgumentManager(values)
        self.experiment = self.cls((self.device_mgr, self.dataset_mgr, self.argument_mgr, {}))
        unused = self.argument_mgr.unused()
        if unused:
            raise arguments.ArgumentError(f"unknown argument(s) for {self.cls.__name__}: {', '.join(unused)}")

    def stages(self):
        """prepare, run, analyze; a termination request (TerminationRequested) ends the run cleanly
        without analyze."""
        exp = self.experiment
        with CtrlC(self.virtual["scheduler"]):
            try:
                exp.prepare()
                exp.run()
            except exceptions.TerminationRequested:
                sys.stdout.flush()
                sys.stderr.write("run terminated on request\n")
                return
            exp.analyze()

    def results(self, hdf5, started):
        """Writes the run's datasets to `hdf5` (else prints them) and saves the persistent ones."""
        if hdf5 is not None:
            try:
                import h5py
            except ImportError:
                raise RuntimeError("writing results needs h5py: pip install 'strobe[hdf5]'") from None
            with h5py.File(hdf5, "w") as f:
                self.dataset_mgr.write_hdf5(f)
                f["expid"] = repr(self.expid)
                f["rid"] = self.virtual["scheduler"].rid
                f["start_time"] = started
                f["run_time"] = time.time() - started
        else:
            for key, value in sorted(self.dataset_mgr.local.items()):
                print(f"{key}: {value}")
        self.dataset_db.save()


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


def run_experiment(path, params, class_name=None, device=None, trace=None, vcd=None, no_cache=False,
                   hdf5=None, dataset_db="dataset_db.pyon", take_over=False, record=None,
                   device_db=None):
    """Runs an experiment; returns the exit code (errors are printed). With ``record``, the
    kernels' runs are recorded into that file (``strobe replay`` replays it)."""
    runtime.settings.update(device=device, no_cache=no_cache, take_over=take_over,
                            record=(record, path, list(params)) if record else None)
    code = 0
    run = None
    started = time.time()
    try:
        run = Run(path, params, class_name, dataset_db, device_db)
        run.stages()
        sys.stdout.flush()
        run.results(hdf5, started)
    except Exception as e:
        code = _report(e)
    except KeyboardInterrupt as e:
        # Ctrl-C (a second one, when the scheduler took the first as a termination request): a
        # running kernel was stopped, and says where.
        sys.stderr.write("interrupted" + (f": {e}" if str(e) else "") + "\n")
        code = 130
    finally:
        sys.stdout.flush()
        try:
            for session in runtime.sessions:
                session.write_traces(trace, vcd)
        finally:
            # Also when writing a trace fails: a session's simulator must not outlive the run.
            if run is not None:
                run.device_mgr.close_devices()
            if record and runtime.settings["record"] is not None:
                sys.stderr.write(f"note: no kernel ran, so nothing was recorded in {record}\n")
                runtime.settings["record"] = None
            try:
                runtime.close_sessions()
            except Exception as e:
                code = code or _report(e)
    return code


def compile_experiment(path, output, params, class_name=None, no_cache=False, device_db=None):
    """Compiles an experiment's ``run`` kernel to an ELF file without a device."""
    from ._native import KernelCompileError, compile_program

    try:
        exp = Run(path, params, class_name, device_db=device_db).experiment
        run = type(exp).run
        if getattr(run, "__strobe_kernel__", None) != "kernel":
            raise embed.EmbeddingError(f"{type(exp).__name__}.run is not a @kernel: nothing to compile")
        composition = embed.compose(run, (exp,), {})
        try:
            compile_program(embed.SYNTHETIC, composition.text, composition.runs, output, no_cache,
                            composition.quoted)
        except KernelCompileError as e:
            raise exceptions.CompileError(str(e)) from None
    except Exception as e:
        return _report(e)
    return 0

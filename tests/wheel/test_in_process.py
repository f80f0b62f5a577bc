"""Run by pytest inside a fresh venv that has only the strobe wheel (and pytest): kernels run
in-process, on the simulated core device, with no `strobe` program involved."""

import strobe
import strobe._native
from strobe import EnvExperiment, TInt32, kernel


class Accumulate(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl0")
        self.history = []

    @kernel
    def step(self, value: TInt32) -> TInt32:
        self.core.break_realtime()  # the timeline carries over from the previous kernel (ARTIQ's)
        self.ttl0.pulse_mu(100)
        self.history.append(value)
        return len(self.history) * value


def test_the_extension_module_is_the_installed_one():
    assert strobe._native.__file__.startswith(strobe.__path__[0])


def test_a_kernel_runs_in_process_with_writeback():
    exp = Accumulate()
    assert exp.step(5) == 5
    assert exp.history == [5]
    assert exp.step(7) == 14
    assert exp.history == [5, 7]


def test_the_package_declares_the_compilers_system_calls():
    """strobe.coredevice.rtio and .dma and the timeline names declare what the compiler checks, type
    for type."""
    import inspect

    from strobe import language
    from strobe.coredevice import dma, rtio

    kernel_names = {"TInt32": "int32", "TInt64": "int64", "TFloat": "float", "TNone": "None", "TBool": "bool",
                    "TStr": "str"}
    for name, params, result in strobe._native.syscalls():
        declared = getattr(rtio, name, None) or getattr(dma, name, None) or getattr(language, name)
        signature = inspect.signature(inspect.unwrap(declared))
        assert [kernel_names[p.annotation] for p in signature.parameters.values()] == params, name
        assert kernel_names[signature.return_annotation] == result, name


def test_editing_one_function_compiles_and_sends_only_its_unit(tmp_path):
    """A fully annotated kernel function is a link unit: editing its body recompiles that unit alone
    (its callers link to it by signature) and the device gets only the changed bytes."""
    import importlib.util

    from strobe.devices import SIM_DEVICE_DB
    from strobe.devices_db import DeviceDB, DeviceManager

    def load(body):
        path = tmp_path / "edited.py"  # the same file, edited
        path.write_text(
            "from strobe import *\n\n\n"
            "@kernel\n"
            "def calibrate(x: TInt32) -> TInt32:\n"
            f"    return {body}\n\n\n"
            "class Edited(EnvExperiment):\n"
            "    def build(self):\n"
            "        self.setattr_device('core')\n\n"
            "    @kernel\n"
            "    def run(self) -> TInt32:\n"
            "        return calibrate(40) + 1\n")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Edited

    devices = DeviceManager(DeviceDB(SIM_DEVICE_DB))  # one core device, one session, for both
    first = load("x + 1")(device_mgr=devices)
    assert first.run() == 42
    assert first.core._runner.last["units_compiled"] >= 2
    edited = load("x * 2")(device_mgr=devices)
    assert edited.run() == 81
    last = edited.core._runner.last
    assert last["units_compiled"] == 1, last
    # Only that unit travels, as a patch in its old place; its caller and the rest stay resident.
    assert last["units_sent"] == 1 and last["units_resident"] >= 1, last
    assert last["delivery"] == "patched" and 0 < last["bytes"] < 200, last


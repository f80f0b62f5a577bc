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
    """strobe.coredevice.rtio and the timeline names declare what the compiler checks, type for type."""
    import inspect

    from strobe import language
    from strobe.coredevice import rtio

    kernel_names = {"TInt32": "int32", "TInt64": "int64", "TFloat": "float", "TNone": "None", "TBool": "bool"}
    for name, params, result in strobe._native.syscalls():
        declared = getattr(rtio, name, None) or getattr(language, name)
        signature = inspect.signature(inspect.unwrap(declared))
        assert [kernel_names[p.annotation] for p in signature.parameters.values()] == params, name
        assert kernel_names[signature.return_annotation] == result, name

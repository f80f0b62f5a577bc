"""The same kernels on the simulated core device and as plain Python on the host (strobe.sim, as
ARTIQ's artiq.sim): equal results, and the host's simulated timeline (see host_simulation.stdout)."""

from strobe import *
from strobe.sim import devices as sim_devices


class Sequence(HasEnvironment):
    def build(self, trace):
        self.setattr_device("core")
        self.trace = trace

    def record(self, t, what):
        self.trace.append((round(self.core.mu_to_seconds(t) * 1e9), what))

    @kernel
    def run(self):
        start = now_mu()
        for i in range(2):
            with parallel:
                self.step(start, "a", 20 * us)
                with sequential:
                    self.step(start, "b", 5 * us)
                    self.step(start, "c", 5 * us)
        try:
            self.fail(3)
        except ValueError:
            self.record(now_mu() - start, "caught")

    @kernel
    def step(self, start, name, duration):
        self.record(now_mu() - start, name)
        delay(duration)

    @kernel
    def fail(self, n):
        if n > 2:
            raise ValueError("too many")


class PulsesOnHost(HasEnvironment):
    def build(self):
        self.setattr_device("core")
        self.out = sim_devices.Output({"core": self.core}, name="out")

    @kernel
    def run(self):
        for i in range(2):
            self.out.pulse(2 * us)
            delay(1 * us)


class HostSimulation(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    def run(self):
        on_device = []
        Sequence(self, on_device).run()
        on_host = []
        devices = {}
        devices["core"] = sim_devices.Core(devices)
        Sequence((devices, None, None, {}), on_host).run()
        print("device:", on_device)
        print("host:  ", on_host)
        print("equal:", on_device == on_host)
        PulsesOnHost((devices, None, None, {})).run()

# delay(t) in a kernel rounds t / ref_period (1 ns) to the nearest machine unit (halves away from zero);
# core.seconds_to_mu(t) floors it, as ARTIQ's (`seconds // ref_period`: 1 us is 999 mu in floating
# point), the same in a kernel and on the host. Halves, near-halves and negative durations included.
from strobe import *

DURATIONS = [1e-6, 4e-9, 12e-9, 2e-8, 1.24e-07, 9.64e-07, 1.5e-7, 3.9999999e-9, 4.0000001e-9, 1e-3, 0.0, 2.5e-9 * 3]


class SecondsToMu(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.durations = DURATIONS
        self.delays = [int64(0)] * 0
        self.converted = [int64(0)] * 0

    @kernel
    def run(self):
        self.core.reset()
        for t in self.durations:
            t0 = now_mu()
            delay(t)
            self.delays.append(now_mu() - t0)
            self.converted.append(self.core.seconds_to_mu(t))
        t0 = now_mu()
        delay(-4e-9)
        self.delays.append(now_mu() - t0)
        self.converted.append(self.core.seconds_to_mu(-4e-9))

    def analyze(self):
        host = [self.core.seconds_to_mu(t) for t in DURATIONS + [-4e-9]]
        print("delay():          ", self.delays)
        print("kernel conversion:", self.converted)
        print("host conversion:  ", host)
        print("kernel and host conversions equal:", self.converted == host)

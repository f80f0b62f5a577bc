# delay(t) in a kernel, core.seconds_to_mu(t) in a kernel and on the host: one conversion, equal to the
# machine unit, halves (exact and nearly; 1.24e-07 and 9.64e-07 are halves that t * clock and t / period
# round differently) and negative durations included.
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
        print("all equal:", self.delays == self.converted == host)

# ARTIQ's time base: 1 machine unit = 1 ns, RTIO coarse clock 8 ns; `now_mu` carries over from one
# kernel to the next (also when the first one raised); `delay(8*us)` is 8000 mu (test_rounding);
# `seconds_to_mu` floors as ARTIQ's (8 us // 1 ns is 7999 in floating point), on the host and in
# kernels alike.
from strobe import *


class Stop(Exception):
    pass


class TimeBase(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.t = [0, 0, 0, 0]
        self.delta = 0
        self.converted = [0, 0]

    @kernel
    def mark(self, i: TInt32):
        self.t[i] = now_mu()
        delay_mu(1234)

    @kernel
    def mark_and_raise(self, i: TInt32):
        self.t[i] = now_mu()
        delay_mu(1234)
        raise Stop("stopped")

    @kernel
    def rounding(self):
        self.core.reset()
        t1 = now_mu()
        delay(8 * us)
        self.delta = now_mu() - t1
        self.converted = [self.core.seconds_to_mu(8 * us), self.core.seconds_to_mu(1.5 * ms)]

    def run(self):
        print("ref_period", self.core.ref_period, "coarse_ref_period", self.core.coarse_ref_period)
        self.mark(0)
        self.mark(1)
        print("handover:", self.t[1] - self.t[0])
        try:
            self.mark_and_raise(2)
        except Stop:
            pass
        self.mark(3)
        print("handover after an exception:", self.t[3] - self.t[2])
        self.rounding()
        print("delay(8*us):", self.delta, "mu")
        print("seconds_to_mu in a kernel:", self.converted)
        print("seconds_to_mu on the host:", [self.core.seconds_to_mu(8 * us), self.core.seconds_to_mu(1.5 * ms)])
        print("mu_to_seconds(8000):", self.core.mu_to_seconds(8000))

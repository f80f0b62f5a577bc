# ARTIQ's test_rtio experiments for TTLs, written as there (device names mapped: loop_out = ttl0,
# loop_in = ttl_in0, which sees it): RTIOCounter, WaitForRTIOCounter, Loopback, LoopbackCount,
# LoopbackGateTiming, Level, Watch, Underflow. (ARTIQ's call `set_dataset` from the kernel; kernels cannot call host functions with
# keyword-only parameters yet, so the results are written back as attributes.)
from strobe import *


class PulseNotReceived(Exception):
    pass


class InvalidCounter(Exception):
    pass


class IncorrectLevel(Exception):
    pass


class IncorrectPulseTiming(Exception):
    pass


class RTIOTTL(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.loop_in = self.get_device("ttl_in0")
        self.loop_out = self.get_device("ttl0")
        self.dt = 0.0
        self.rtt = 0.0
        self.count = 0

    @kernel
    def rtio_counter(self):
        t0 = self.core.get_rtio_counter_mu()
        t1 = self.core.get_rtio_counter_mu()
        self.dt = self.core.mu_to_seconds(t1 - t0)

    @kernel
    def wait_for_rtio_counter(self):
        self.core.break_realtime()
        target_mu = now_mu() + 10000
        self.core.wait_until_mu(target_mu)
        if self.core.get_rtio_counter_mu() < target_mu:
            raise InvalidCounter

    @kernel
    def loopback(self):
        self.core.reset()
        self.loop_in.input()
        self.loop_out.off()
        delay(1*us)
        with parallel:
            self.loop_in.gate_rising(2*us)
            with sequential:
                delay(1*us)
                t0 = now_mu()
                self.loop_out.pulse(1*us)
        t1 = self.loop_in.timestamp_mu(now_mu())
        if t1 < 0:
            raise PulseNotReceived()
        self.rtt = self.core.mu_to_seconds(t1 - t0)

    @kernel
    def gate_timing(self):
        self.core.reset()
        self.loop_in.input()
        self.loop_out.output()
        delay_mu(500)
        self.loop_out.off()
        delay_mu(5000)
        # The loop's delay as the input stamps it.
        with parallel:
            self.loop_in.gate_rising_mu(10000)
            with sequential:
                delay_mu(5000)
                out_mu = now_mu()
                self.loop_out.pulse_mu(1000)
        in_mu = self.loop_in.timestamp_mu(now_mu())
        if in_mu < 0:
            raise PulseNotReceived()
        loop_delay_mu = in_mu - out_mu
        # A 48 ns gate catches a pulse timed to reach the input inside it: the stamps run 88 ns
        # (11 coarse cycles) behind the gate, as ARTIQ's.
        delay_mu(10000)
        gate_start_mu = now_mu()
        self.loop_in.gate_both_mu(48)
        gate_end_mu = now_mu()
        lat_offset = 11*8
        out_mu = gate_start_mu - loop_delay_mu + lat_offset
        at_mu(out_mu)
        self.loop_out.pulse_mu(48)
        in_mu = self.loop_in.timestamp_mu(gate_end_mu)
        if in_mu < 0:
            raise PulseNotReceived()
        if not (gate_start_mu <= (in_mu - lat_offset) <= gate_end_mu):
            raise IncorrectPulseTiming("Input event should occur during gate")
        if not (-2 < (in_mu - out_mu - loop_delay_mu) < 2):
            raise IncorrectPulseTiming("Loop delay should not change")
        in_mu = self.loop_in.timestamp_mu(gate_end_mu)
        if in_mu > 0:
            raise IncorrectPulseTiming("Only one pulse should be received")

    @kernel
    def loopback_count(self, npulses: TInt32):
        self.core.reset()
        self.loop_in.input()
        self.loop_out.output()
        delay(5*us)
        with parallel:
            self.loop_in.gate_rising(10*us)
            with sequential:
                for i in range(npulses):
                    delay(25*ns)
                    self.loop_out.pulse(25*ns)
        self.count = self.loop_in.count(now_mu())

    @kernel
    def level(self):
        self.core.reset()
        self.loop_in.input()
        self.loop_out.output()
        delay(5*us)

        self.loop_out.off()
        delay(5*us)
        if self.loop_in.sample_get_nonrt():
            raise IncorrectLevel

        self.loop_out.on()
        delay(5*us)
        if not self.loop_in.sample_get_nonrt():
            raise IncorrectLevel

    @kernel
    def watch(self):
        self.core.reset()
        self.loop_in.input()
        self.loop_out.output()
        delay(5*us)

        self.loop_out.off()
        delay(5*us)
        if not self.loop_in.watch_stay_off():
            raise IncorrectLevel
        delay(10*us)
        if not self.loop_in.watch_done():
            raise IncorrectLevel

        delay(10*us)
        if not self.loop_in.watch_stay_off():
            raise IncorrectLevel
        delay(3*us)
        self.loop_out.on()
        delay(10*us)
        if self.loop_in.watch_done():
            raise IncorrectLevel

    @kernel
    def underflow(self):
        self.core.reset()
        while True:
            delay(25*ns)
            self.loop_out.pulse(25*ns)

    def run(self):
        self.rtio_counter()
        dt = self.dt
        print("rtio counter: 0 < dt < 3 us:", 0 < dt < 3e-6)
        self.wait_for_rtio_counter()
        print("wait_until_mu: waited")
        self.loopback()
        print("loopback rtt:", self.rtt, "in (0, 140 ns):", 0 < self.rtt < 140e-9)
        self.loopback_count(10)
        print("loopback count:", self.count)
        self.gate_timing()
        print("gate timing: the pulse lands inside a 48 ns gate, the loop delay unchanged")
        self.level()
        print("level: sampled low, then high")
        self.watch()
        print("watch: stayed off, then saw the edge")
        try:
            self.underflow()
        except RTIOUnderflow:
            print("underflow: RTIOUnderflow")

# ARTIQ's ClockGeneratorLoopback (artiq/test/coredevice/test_rtio.py) with the simulated device's
# names (loop_clock_out = ttl_clkgen0, loop_clock_in = ttl_in2, its loopback input): a 1 MHz clock
# for 10 us gives 10 rising edges. Also the edges' exact times: a power-of-two tuning word (15.625 MHz)
# has none of the one-cycle jitter, the first rising edge is at the set_mu call (seen 40 ns later,
# through the loopback), stop() ends the clock low, and ftw/frequency conversions as ARTIQ's.
from strobe import *


class ClockGen(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl_clkgen0")
        self.setattr_device("ttl_in2")
        self.count = 0
        self.rising = [int64(0)] * 6
        self.rest = 0
        self.after_stop = 0

    @kernel
    def loopback(self):
        self.core.reset()
        self.ttl_in2.input()
        self.ttl_clkgen0.stop()
        delay(200*us)
        with parallel:
            self.ttl_in2.gate_rising(10*us)
            with sequential:
                delay(200*ns)
                self.ttl_clkgen0.set(1*MHz)
        self.count = self.ttl_in2.count(now_mu())

    @kernel
    def edges(self):
        self.core.reset()
        self.ttl_clkgen0.stop()
        delay(10*us)
        start = now_mu()
        end = self.ttl_in2.gate_rising_mu(1000)
        at_mu(start + 8)
        self.ttl_clkgen0.set_mu(1 << 21)  # 2**24 / 8: a period of 8 coarse cycles, 64 ns
        for i in range(6):
            self.rising[i] = self.ttl_in2.timestamp_mu(end) - start
        self.rest = self.ttl_in2.count(end)
        self.core.break_realtime()
        self.ttl_clkgen0.stop()
        # Edges from before the stop still reach the input for a period plus the loopback delay.
        delay(200*ns)
        end = self.ttl_in2.gate_rising_mu(1000)
        self.after_stop = self.ttl_in2.count(end)

    def run(self):
        self.loopback()
        print("1 MHz for 10 us: rising edges counted", self.count)
        self.edges()
        print("15.625 MHz from 8 ns: first rising edges at", self.rising, "and", self.rest, "more in 1000 ns")
        print("rising edges after stop():", self.after_stop)
        clk = self.ttl_clkgen0
        print("frequency_to_ftw(1 MHz) =", clk.frequency_to_ftw(1e6),
              "ftw_to_frequency(1 << 21) =", clk.ftw_to_frequency(1 << 21))

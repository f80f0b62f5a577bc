# A TTLInOut is one RTIO channel, as ARTIQ's (ttl_in1: channel 10, its pin wired to ttl1): with its
# output enabled its input sees its own pulses and not the wired ttl1's; after `input()` it sees
# ttl1's again. Two of its functions in one 8 ns cycle collide (ARTIQ's test_address_collision);
# two events of one output at exactly the same time do not: the second replaces the first. Between
# two kernels the RTIO counter keeps running (ARTIQ's test_time_keeps_running).
from strobe import *
from strobe.coredevice.comm_mgmt import CommMgmt


class InOut(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl1")
        self.setattr_device("ttl_in1")
        self.own = 0
        self.wired_while_driving = 0
        self.wired = 0
        self.replaced = 0
        self.after = 0
        self.start = 0

    @kernel
    def rising_edge_after(self, pulse_on_self: TBool) -> TInt64:
        """A gate open for 2 us with a 50 ns pulse 100 ns in, on this channel's output or on the
        wired ttl1: the first rising edge's time from the gate's start, -1 for none."""
        self.core.break_realtime()
        t0 = now_mu()
        with parallel:
            self.ttl_in1.gate_rising_mu(2000)
            with sequential:
                delay_mu(100)
                if pulse_on_self:
                    self.ttl_in1.pulse_mu(50)
                else:
                    self.ttl1.pulse_mu(50)
        t = self.ttl_in1.timestamp_mu(now_mu())
        if t < 0:
            return t
        return t - t0

    @kernel
    def directions(self):
        self.core.reset()
        self.ttl_in1.output()
        delay_mu(8)
        self.own = self.rising_edge_after(True)
        self.wired_while_driving = self.rising_edge_after(False)
        self.core.break_realtime()
        self.ttl_in1.input()
        delay_mu(8)
        self.wired = self.rising_edge_after(False)

    @kernel
    def address_collision(self):
        self.core.reset()
        self.ttl_in1.input()
        self.ttl_in1.pulse(10 * us)
        while self.core.get_rtio_counter_mu() < now_mu():
            pass

    @kernel
    def replacement(self):
        self.core.reset()
        t0 = now_mu()
        with parallel:
            self.ttl_in1.gate_rising_mu(4000)
            with sequential:
                delay_mu(1000)
                self.ttl1.on()
                self.ttl1.off()  # the same time: replaces on()
        self.replaced = self.ttl_in1.count(now_mu())
        self.core.break_realtime()
        with parallel:
            self.ttl_in1.gate_rising_mu(4000)
            with sequential:
                delay_mu(1000)
                self.ttl1.on()
                delay_mu(1)  # another time in the same cycle: collides (refused)
                self.ttl1.off()
                delay_mu(1000)
                self.ttl1.off()
        self.after = self.ttl_in1.count(now_mu())

    @kernel
    def time_at_start(self):
        self.core.reset()
        self.start = now_mu()

    def run(self):
        mgmt = CommMgmt()
        mgmt.clear_log()
        self.directions()
        print("own output seen after", self.own, "ns")
        print("wired pin while driving:", self.wired_while_driving)
        print("wired pin after input():", self.wired, "ns")
        print("core log:", repr(mgmt.get_log()))
        self.address_collision()
        print("address collision:", mgmt.get_log().splitlines())
        mgmt.clear_log()
        self.replacement()
        print("rising edges after a replacement:", self.replaced)
        print("after two times in one cycle:", self.after, mgmt.get_log().splitlines())
        mgmt.clear_log()
        self.time_at_start()
        first = self.start
        self.time_at_start()
        dead_time = self.core.mu_to_seconds(self.start - first)
        print("dead time between kernels over 1 ms:", dead_time > 1 * ms)
        mgmt.close()

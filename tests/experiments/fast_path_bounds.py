# Events go through the RTIO core's fast window: answered (the window takes only events in time), or
# unanswered while the roomy flag vouches for them. After the timeline moves back (at_mu, a negative
# delay), or after the counter passes a timeline that stood still, a late event still raises
# RTIOUnderflow at its call (not dropped and only noted in the core log). Also: every
# event of an in-time burst plays (counted through the loopback input), and the core log stays empty.
from strobe import *
from strobe.coredevice.comm_mgmt import CommMgmt


class FastPathBounds(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl2")
        self.setattr_device("ttl_in1")
        self.setattr_device("ttl1")
        self.reached = 0
        self.counted = 0

    @kernel
    def back_in_time(self, how: TInt32):
        self.core.break_realtime()
        for i in range(10):
            self.ttl2.pulse_mu(100)  # in time: the fast window
            delay_mu(100)
        if how == 0:
            at_mu(now_mu() - 1000000)  # 1 ms back: long past
        else:
            delay_mu(-1000000)
        self.reached = 1
        self.ttl2.on()  # late: must raise here
        self.reached = 2

    @kernel
    def room_runs_out(self):
        self.core.break_realtime()
        for i in range(10):
            self.ttl2.pulse_mu(100)  # room: after the first, offered unanswered
            delay_mu(100)
        # The timeline stands still while the counter passes it: the kernel tick clears the
        # roomy flag, so the late event is answered, and raises.
        while self.core.get_rtio_counter_mu() < now_mu() + 1000:
            pass
        self.reached = 1
        self.ttl2.on()  # late: must raise here
        self.reached = 2

    @kernel
    def burst(self):
        self.core.break_realtime()
        end = self.ttl_in1.gate_rising_mu(100000)
        at_mu(end - 100000 + 1000)
        for i in range(30):
            self.ttl1.pulse_mu(400)
            delay_mu(400)
        self.counted = self.ttl_in1.count(end)

    def run(self):
        mgmt = CommMgmt()
        mgmt.clear_log()
        for how in [0, 1]:
            self.reached = 0
            try:
                self.back_in_time(how)
            except RTIOUnderflow as e:
                print("moved back", ["by at_mu", "by a negative delay"][how], "-> RTIOUnderflow at",
                      "the late event" if self.reached == 1 else "another place", "(channel 0x2:",
                      "channel 0x2:" in str(e), ")")
        self.reached = 0
        try:
            self.room_runs_out()
            print("slack ran out -> no RTIOUnderflow")
        except RTIOUnderflow:
            print("slack ran out -> RTIOUnderflow at",
                  "the late event" if self.reached == 1 else "another place")
        self.burst()
        print("burst: edges counted", self.counted, "of 30")
        print("core log:", repr(mgmt.get_log()))

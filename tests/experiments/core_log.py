# As ARTIQ's core log (test_rtio's SequenceError and Collision): an event earlier than its channel's
# previous one, or a second event in the same 8 ns coarse cycle, is dropped and written to the core
# log, which CommMgmt reads and clears; the kernel goes on (no exception). A kernel writes its own
# lines with `core_log(...)` (printed as `print` prints them; ARTIQ's test_compile checks one).
from strobe import *
from strobe.coredevice.comm_mgmt import CommMgmt


class CoreLog(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("ttl2")
        self.setattr_device("ttl3")

    @kernel
    def sequence_error(self):
        self.core.reset()
        delay(55 * 8 * us)
        for _ in range(8):
            self.ttl2.pulse(25 * us)
            delay(-75 * us)

    @kernel
    def collision(self):
        self.core.reset()
        delay(1 * ms)  # no underflow
        for i in range(4):
            self.ttl3.pulse_mu(1)
            delay_mu(1)
        while self.core.get_rtio_counter_mu() < now_mu():
            pass

    @kernel
    def log_lines(self, n: TInt32):
        core_log("test_artiq_compile", n, [1, 2], 0.5)
        core_log("a", "b", sep="-", end="!")
        print("core_log lines do not go to stdout")

    def run(self):
        mgmt = CommMgmt()
        self.sequence_error()
        log = mgmt.get_log()
        print("sequence errors logged:", log.count("RTIO sequence error involving channel 2"))
        mgmt.clear_log()
        print("after clear_log:", repr(mgmt.get_log()))
        self.collision()
        log = mgmt.get_log()
        print("collisions logged:", log.count("RTIO collision involving channel 3"))
        print(log.splitlines()[0])
        mgmt.clear_log()
        self.log_lines(7)
        print("kernel lines:", repr(mgmt.get_log()))
        mgmt.close()

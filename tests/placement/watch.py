# ARTIQ's watch sequence (test_rtio's Watch) after code whose size the test varies: the kernel's
# calls land at other addresses, so other lines of the CPU's direct-mapped instruction
# cache are shared with the firmware's RTIO calls. Its 3 us between a watch and the next output
# must hold at every placement. `tests/experiments.rs` writes the pad's statements
# (at `placement pad`).
from strobe import *


class IncorrectLevel(Exception):
    pass


class Watch(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("loop_in")
        self.setattr_device("loop_out")
        self.pad = 1

    @kernel
    def watch(self):
        x = self.pad
        # placement pad
        self.pad = x
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

    def run(self):
        self.watch()
        print("watched: stayed off, then saw the edge")

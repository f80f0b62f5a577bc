# A kernel that loops until the scheduler asks it to pause (an RPC), sleeping through a builtin host
# function; Ctrl-C ends the kernel, and the run ends at the next pause().
from time import sleep

from strobe import *


class KernelPause(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("scheduler")

    @kernel
    def loop(self):
        print("kernel starting")
        while not self.scheduler.check_pause():
            print("kernel loop running")
            sleep(0.2)
        print("kernel exiting")

    def run(self):
        while True:
            self.loop()
            self.scheduler.pause()

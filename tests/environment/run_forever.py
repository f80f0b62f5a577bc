# A host loop that pauses between rounds: Ctrl-C makes pause() raise TerminationRequested.
import time

from strobe import *


class RunForever(EnvExperiment):
    def build(self):
        self.setattr_device("scheduler")

    def run(self):
        i = 0
        try:
            while True:
                self.scheduler.pause()
                print("round", i, flush=True)
                i += 1
                time.sleep(0.2)
        except TerminationRequested:
            print("terminated after", i, "rounds")

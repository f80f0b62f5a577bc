# DMA's error paths beyond ARTIQ's tests: a trace name over 64 bytes, a trace larger than the DMA
# memory (32768 events), and what stays usable after each (the memory and the other traces).
from strobe import *


class DMAErrors(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("core_dma")
        self.setattr_device("ttl0")

    @kernel
    def record(self, name: TStr, pulses: TInt32):
        with self.core_dma.record(name):
            for i in range(pulses):
                self.ttl0.pulse_mu(16)
                delay_mu(16)

    @kernel
    def play(self, name: TStr):
        self.core.break_realtime()
        self.core_dma.playback(name)

    def run(self):
        self.record("kept", 3)
        try:
            self.record("x" * 65, 1)
        except DMAError as e:
            print("long name: DMAError:", e)
        try:
            self.record("huge", 16388)
        except DMAError as e:
            print("too large: DMAError:", e)
        try:
            self.play("huge")
        except DMAError as e:
            print("the large trace was not kept: DMAError:", e)
        self.play("kept")
        self.record("again", 3)
        self.play("again")
        print("the memory and the other traces stay usable")

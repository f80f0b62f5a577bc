# Every event a kernel writes while DMA records goes into the recording: the fast window answers
# "elsewhere" to each (it is closed while recording) and the exact path records it. Played back
# through the loopback, the trace has every pulse.
from strobe import *


class DMARecordsEveryEvent(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("core_dma")
        self.setattr_device("ttl1")
        self.setattr_device("ttl_in1")
        self.counted = 0

    @kernel
    def record(self):
        self.core.break_realtime()
        with self.core_dma.record("pulses"):
            for i in range(40):
                self.ttl1.pulse_mu(1000)
                delay_mu(1000)

    @kernel
    def play(self):
        self.core.break_realtime()
        end = self.ttl_in1.gate_rising_mu(200000)
        at_mu(end - 200000 + 1000)
        self.core_dma.playback("pulses")
        self.counted = self.ttl_in1.count(end)

    def run(self):
        self.record()
        self.play()
        print("pulses played back:", self.counted, "of 40")

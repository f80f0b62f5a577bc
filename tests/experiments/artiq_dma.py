# ARTIQ's DMA tests (artiq/test/coredevice/test_rtio.py, _DMA and DMATest) on the simulated device:
# storage (record, overwrite, erase, then a missing trace), nested recording, the timeline advance of
# playback with and without a handle, a played-back trace equal to the same events issued by the
# CPU (edges timestamped through the loopback input), underflow during playback, stale handles.
from strobe import *


class DMA(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("core_dma")
        self.setattr_device("ttl0")
        self.setattr_device("ttl_in0")
        self.trace_name = "test_rtio"
        self.delta = int64(0)
        self.edges = [int64(0)] * 4

    @kernel
    def record(self, for_handle: TBool = True):
        with self.core_dma.record(self.trace_name):
            if not for_handle:
                delay(1*ms)
            delay(100*ns)
            self.ttl0.on()
            delay(100*ns)
            self.ttl0.off()

    @kernel
    def playback(self, use_handle: TBool = True):
        if use_handle:
            handle = self.core_dma.get_handle(self.trace_name)
            self.core.break_realtime()
            start = now_mu()
            self.core_dma.playback_handle(handle)
        else:
            self.core.break_realtime()
            start = now_mu()
            self.core_dma.playback(self.trace_name)
        self.delta = now_mu() - start

    @kernel
    def playback_many(self, n: TInt32):
        handle = self.core_dma.get_handle(self.trace_name)
        self.core.break_realtime()
        for i in range(n):
            self.core_dma.playback_handle(handle)

    @kernel
    def erase(self):
        self.core_dma.erase(self.trace_name)

    @kernel
    def nested(self):
        with self.core_dma.record(self.trace_name):
            with self.core_dma.record(self.trace_name):
                pass

    @kernel
    def invalidate(self, mode: TInt32):
        self.record()
        handle = self.core_dma.get_handle(self.trace_name)
        if mode == 0:
            self.record()
        elif mode == 1:
            self.erase()
        self.core_dma.playback_handle(handle)

    @kernel
    def edges_of(self, use_dma: TBool):
        """The two edges' times after the start, through the loopback input."""
        self.core.break_realtime()
        start = now_mu()
        end = self.ttl_in0.gate_both_mu(1000)
        at_mu(start)
        if use_dma:
            self.core_dma.playback(self.trace_name)
        else:
            delay(100*ns)
            self.ttl0.on()
            delay(100*ns)
            self.ttl0.off()
        self.edges[0] = self.ttl_in0.timestamp_mu(end) - start
        self.edges[1] = self.ttl_in0.timestamp_mu(end) - start
        at_mu(end)

    def run(self):
        # test_dma_storage
        self.record()
        self.record()  # overwrite
        self.playback()
        self.erase()
        try:
            self.playback()
        except DMAError as e:
            print("storage: DMAError:", e)
        # test_dma_nested
        try:
            self.nested()
        except DMAError as e:
            print("nested: DMAError:", e)
        # test_dma_delta
        self.record(False)
        self.playback(False)
        print("delta without handle", self.delta)
        self.record(True)
        self.playback(True)
        print("delta with handle", self.delta)
        # test_dma_trace: the played-back edges are the CPU's
        self.edges_of(False)
        cpu = self.edges[:2]
        self.edges_of(True)
        print("edges: cpu", cpu, "dma", self.edges[:2], "equal", cpu == self.edges[:2])
        # test_dma_underflow: back-to-back playbacks outrun the timeline
        try:
            self.playback_many(2000)
        except RTIOUnderflow as e:
            print("underflow: RTIOUnderflow:", str(e).split(",")[0])
        # test_handle_invalidation
        for mode in [0, 1]:
            try:
                self.invalidate(mode)
            except DMAError as e:
                print("invalidate", mode, "DMAError:", e)

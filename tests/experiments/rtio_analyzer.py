# The RTIO analyzer (strobe.coredevice.comm_analyzer, as ARTIQ's): a dump holds, in order, the output
# events the RTIO core queued (from the CPU and from DMA playback), the late event it refused, and
# the input timestamps the kernel read, each with the RTIO counter at that moment; the dump empties
# the buffer. ARTIQ's test_dma_trace checks a played-back trace this way. `rtio_log` text goes to the
# dump's log channel at the timeline cursor (ARTIQ's test_analyzer reads it back).
from strobe import *
from strobe.coredevice.comm_analyzer import (ExceptionMessage, ExceptionType, InputMessage,
                                             OutputMessage, StoppedMessage, _extract_log_chars,
                                             decode_dump, get_analyzer_dump)


class Analyzer(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("core_dma")
        self.setattr_device("ttl0")
        self.setattr_device("ttl_in0")
        self.setattr_device("ttl3")
        self.start = int64(0)

    @kernel
    def pulses_and_an_edge(self):
        self.core.break_realtime()
        self.start = now_mu()
        self.ttl3.pulse_mu(200)
        delay_mu(800)
        with parallel:
            end = self.ttl_in0.gate_rising_mu(1000)
            self.ttl0.pulse_mu(104)
        self.ttl_in0.timestamp_mu(end)

    @kernel
    def late_event(self):
        self.core.break_realtime()
        at_mu(self.core.get_rtio_counter_mu() - 1000)
        try:
            self.ttl3.on()
        except RTIOUnderflow:
            print("underflow raised")

    @kernel
    def record(self):
        with self.core_dma.record("analyzer"):
            delay(100*ns)
            self.ttl3.on()
            delay(100*ns)
            self.ttl3.off()

    @kernel
    def playback(self):
        handle = self.core_dma.get_handle("analyzer")
        self.core.break_realtime()
        self.core_dma.playback_handle(handle)

    @kernel
    def log(self, n: TInt32):
        self.core.break_realtime()
        self.start = now_mu()
        rtio_log("scan point", n, 2.5)
        delay_mu(1000)
        rtio_log("done")

    def show(self, what):
        dump = decode_dump(get_analyzer_dump(None))
        print(what + ":", len(dump.messages), "messages")
        for m in dump.messages:
            if isinstance(m, OutputMessage):
                queued_ahead = m.rtio_counter < m.timestamp
                print(f"  output ch{m.channel} at start+{m.timestamp - self.start} data {m.data} "
                      f"address {m.address} queued ahead: {queued_ahead}")
            elif isinstance(m, InputMessage):
                print(f"  input ch{m.channel} at start+{m.timestamp - self.start} data {m.data}")
            elif isinstance(m, ExceptionMessage):
                print(f"  exception ch{m.channel} {m.exception_type}")
            elif isinstance(m, StoppedMessage):
                print("  stopped, counter after the events:", m.rtio_counter > self.start)

    def run(self):
        get_analyzer_dump(None)  # clear
        self.pulses_and_an_edge()
        self.show("CPU events")
        self.late_event()
        self.show("a late event")
        self.record()
        get_analyzer_dump(None)
        self.playback()
        dump = decode_dump(get_analyzer_dump(None))
        outputs = [m for m in dump.messages if isinstance(m, OutputMessage)]
        print("DMA playback:", [(m.channel, m.data) for m in outputs],
              "spacing", outputs[1].timestamp - outputs[0].timestamp,
              "last is stopped:", isinstance(dump.messages[-1], StoppedMessage))
        self.show("after a dump")
        # rtio_log text on the log channel, as ARTIQ's test_analyzer reads it.
        self.log(7)
        dump = decode_dump(get_analyzer_dump(None))
        logged = [m for m in dump.messages
                  if isinstance(m, OutputMessage) and m.channel == dump.log_channel]
        print("log channel", dump.log_channel, "text",
              repr("".join(_extract_log_chars(m.data) for m in logged)),
              "at", sorted({int(m.timestamp - self.start) for m in logged}))

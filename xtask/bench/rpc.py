"""`cargo xtask bench rpc`: RPC round trips and the dead time between kernels, on the simulated core
device. Prints figures; asserts nothing. Device cycles come from the RTIO counter (1 mu = 1 cycle)."""

import statistics
import time

from strobe import *

CALLS = 20
RUNS = 8


class RpcBench(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.stamps = []
        self.cycles = [int64(0)] * 3
        self.window = [int64(0)] * 2

    def ping(self, x: TInt32) -> TInt32:
        self.stamps.append(time.perf_counter())
        return x + 1

    @rpc(flags={"async"})
    def note(self, x: TInt32):
        self.stamps.append(time.perf_counter())

    @kernel
    def round_trips(self):
        t0 = self.core.get_rtio_counter_mu()
        for i in range(CALLS):
            pass
        t1 = self.core.get_rtio_counter_mu()
        total = int32(0)
        for i in range(CALLS):
            total += self.ping(i)
        t2 = self.core.get_rtio_counter_mu()
        for i in range(CALLS):
            self.note(i)
        t3 = self.core.get_rtio_counter_mu()
        self.cycles[0] = (t2 - t1) - (t1 - t0)
        self.cycles[1] = t3 - t2
        self.cycles[2] = int64(total)

    @kernel
    def unchanged(self):
        """Reads its attributes only: the same image every call."""
        delay_mu(self.window[0])

    @kernel
    def changing(self):
        """Writes an attribute back: the next call embeds the new value, a new image."""
        self.window[0] += 1

    def run(self):
        begin = time.perf_counter()
        self.round_trips()
        first = time.perf_counter() - begin
        cold = self.core._runner.last
        print(f"first kernel call: {first * 1e3:.1f} ms host wall (simulator start and handshake included), "
              f"cold compile {cold['compile'] * 1e3:.1f} ms, upload {cold['upload'] * 1e3:.1f} ms "
              f"({cold['bytes']} B)")
        gaps = [b - a for a, b in zip(self.stamps[:CALLS], self.stamps[1:CALLS])]
        print(f"RPC round trip (sync, int32 -> int32), {CALLS} calls:")
        print(f"  host wall  {statistics.median(gaps) * 1e3:8.2f} ms median between calls")
        print(f"  device     {self.cycles[0] // CALLS:8d} cycles per call (CPU waiting included)")
        print(f"async RPC:   {self.cycles[1] // CALLS:8d} device cycles per call (no wait)")
        runner = self.core._runner
        for kernel, what in ((self.unchanged, "an unchanged kernel"),
                             (self.changing, "a kernel whose written-back attribute changes")):
            walls, compiles, uploads, runs, deliveries = [], [], [], [], []
            kernel()  # the first call compiles and uploads
            for _ in range(RUNS):
                begin = time.perf_counter()
                kernel()
                walls.append(time.perf_counter() - begin)
                compiles.append(runner.last["compile"])
                uploads.append(runner.last["upload"])
                runs.append(runner.last["wall"])
                deliveries.append(f'{runner.last["delivery"]} {runner.last["bytes"]} B')
            m = lambda xs: statistics.median(xs) * 1e3
            print(f"back-to-back run() of {what}, {RUNS} calls (median ms):")
            print(f"  whole call {m(walls):8.2f}   compile {m(compiles):7.2f}   upload {m(uploads):7.2f}   "
                  f"device exchange {m(runs):7.2f}")
            print(f"  dead time on the host (whole call - device exchange): {m(walls) - m(runs):.2f} ms")
            print(f"  image: {', '.join(sorted(set(deliveries)))}")

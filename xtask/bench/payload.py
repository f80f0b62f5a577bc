"""`cargo xtask bench payload`: large RPC values on the simulated core device, a list of int32 from
the host (an RPC's result) and back to it (an RPC's argument), at 1 MiB and 16 MiB
(`STROBE_BENCH_PAYLOAD_MIB=1,4,16` chooses). Prints figures; asserts nothing but the values.

Device time is exact (the RTIO counter, 1 ns machine units, 8 per CPU cycle): the cycles the device
spends per byte, which is the link's figure on hardware with this CPU at 125 MHz (when the link
itself keeps up). Wall time is the simulator's, about a hundred times slower than hardware."""

import os
import time

from strobe import *

SIZES_MIB = [int(s) for s in os.environ.get("STROBE_BENCH_PAYLOAD_MIB", "1,16").split(",")]


class PayloadBench(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.n = 0
        self.cycles = [int64(0)] * 2

    def values(self) -> TList(TInt32):
        return list(range(self.n))

    def take(self, data: TList(TInt32)) -> TInt32:
        ok = len(data) == self.n and data[0] == 0 and data[-1] == self.n - 1
        return 1 if ok else 0

    @kernel
    def both_ways(self) -> TInt32:
        t0 = self.core.get_rtio_counter_mu()
        data = self.values()
        t1 = self.core.get_rtio_counter_mu()
        ok = len(data) == self.n and data[self.n - 1] == self.n - 1
        t2 = self.core.get_rtio_counter_mu()
        back = self.take(data)
        t3 = self.core.get_rtio_counter_mu()
        self.cycles[0] = (t1 - t0) // 8
        self.cycles[1] = (t3 - t2) // 8
        return back if ok else 0

    def run(self):
        print(f"{'list of int32':>14} {'direction':>14} {'device cycles/byte':>19} "
              f"{'MiB/s at 125 MHz':>17}")
        for mib in SIZES_MIB:
            self.n = mib * (1 << 20) // 4
            start = time.perf_counter()
            ok = self.both_ways()
            wall = time.perf_counter() - start
            assert ok == 1, "the values did not arrive whole"
            size = self.n * 4
            for direction, cycles in zip(["host->device", "device->host"], self.cycles):
                rate = size / (cycles / 125e6) / (1 << 20)
                print(f"{str(mib) + ' MiB':>14} {direction:>14} {cycles / size:>19.1f} {rate:>17.1f}")
            print(f"{'':>14} both ways, the simulator's wall time (with the kernel's compile): {wall:.1f} s")

# Large RPC values both ways (up to 64 frames each): a 1 MiB list of int32, 256 KiB of bytes, a 1 MiB
# 2-D int32 array
# (lists and arrays of numbers travel as one copy of their memory), and ARTIQ's LargePayloadTest
# (a kernel-built list of 250,000 zeros to a host function). Each side checks every element.
# (`cargo xtask bench payload` moves 16 MiB each way.)
import numpy
from strobe import *

N = 1 << 18  # int32 elements: 1 MiB
B = 1 << 18  # bytes


class MegabytePayloads(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    def numbers(self) -> TList(TInt32):
        return [(i * 7919) % 65536 - 32768 for i in range(N)]

    def check_numbers(self, data: TList(TInt32)) -> TBool:
        return data == [(i * 7919) % 65536 - 32768 + 1 for i in range(N)]

    def blob(self) -> TBytes:
        return bytes(i % 251 for i in range(B))

    def check_blob(self, data: TBytes) -> TBool:
        return data == bytes((i % 251) ^ 0x5a for i in range(B))

    def matrix(self) -> TArray(TInt32, 2):
        return numpy.arange(512 * 512, dtype=numpy.int32).reshape(512, 512)

    def check_matrix(self, m: TArray(TInt32, 2)) -> TBool:
        expected = numpy.arange(512 * 512, dtype=numpy.int32).reshape(512, 512) * 2
        return m.shape == (512, 512) and bool((m == expected).all())

    def devnull(self, d):
        print("host got", len(d), "zeros:", all(x == 0 for x in d))

    @kernel
    def run(self):
        data = self.numbers()
        ok = len(data) == N
        for i in range(N):
            if data[i] != (i * 7919) % 65536 - 32768:
                ok = False
            data[i] += 1
        print("list of int32 arrived whole:", ok, "- returned whole:", self.check_numbers(data))

        b = self.blob()
        ok = len(b) == B
        out = bytearray(b)
        for i in range(len(b)):
            if b[i] != i % 251:
                ok = False
            out[i] = b[i] ^ 0x5a
        print("bytes arrived whole:", ok, "- returned whole:", self.check_blob(bytes(out)))

        m = self.matrix()
        ok = m.shape[0] == 512 and m.shape[1] == 512 and m[511, 511] == 512 * 512 - 1
        print("array arrived:", ok, "- returned whole:", self.check_matrix(m * 2))

        zeros = [0 for _ in range(1000000 // 4)]
        self.devnull(zeros)

"""bytes and bytearray both ways: kernel arguments, attributes (a bytearray written back in
place), RPC arguments and results, and what kernels do with them (see bytes_values.stdout)."""

from strobe import *


class BytesValues(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.header = b"\x02\x10"
        self.buffer = bytearray(b"\x00\x00\x00")
        self.received = []

    def fetch(self, n: TInt32) -> TBytes:
        return bytes(range(n))

    def fetch_mutable(self) -> TByteArray:
        return bytearray(b"ok")

    def keep(self, value):
        self.received.append(value)

    @kernel
    def fill(self, payload):
        for i in range(len(payload)):
            self.buffer[i] = payload[i] + self.header[0]
        self.keep(self.header + payload)
        self.keep(bytearray(b"x"))
        return payload[::-1]

    @kernel
    def run(self):
        data = self.fetch(4)
        print(len(data), data[3], data == bytes([0, 1, 2, 3]))
        mutable = self.fetch_mutable()
        mutable[0] = 79
        print(mutable, self.header)
        try:
            self.buffer[0] = 256
        except ValueError as e:
            print("ValueError:", e)

    def analyze(self):
        print("reversed:", self.fill(b"\x05\x06\x07"))
        print("buffer:", self.buffer)
        print("received:", self.received)
        same = self.buffer
        self.fill(bytearray(b"\x01"))
        print("in place:", same is self.buffer, self.buffer)

# A kernel large enough that the compiler splits its link unit into parts compiled in parallel
# (helpers moved to another part are called, not inlined): results, the timeline cursor across
# the calls, an exception raised in a moved helper and caught in the kernel, and writeback all
# behave as in one part; the second call compiles nothing.
from strobe import *


class LargeKernel(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("led")
        self.pulses = 0
        self.result = 0.0

    @kernel
    def h0(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 1 + 0) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 0 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h1(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 2 + 1) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 1 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h2(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 3 + 2) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 2 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h3(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 4 + 3) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 3 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h4(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 5 + 4) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 4 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h5(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 6 + 5) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 5 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h6(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 7 + 6) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 6 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def h7(self, n, scale):
        values = [0.0] * 0
        acc = 0
        total = 0.0
        for k in range(n):
            v = (k * 8 + 7) % 97
            if v % 3 == 0:
                acc += v // 3
            elif v % 3 == 1:
                acc -= v % 7
            else:
                acc += v * 2
            values.append(v * scale)
        for x in values:
            total += x / (1.0 + scale)
        if len(values) > 0:
            total = total + values[len(values) - 1]
        best = 0.0
        for x in values:
            if x > best:
                best = x
        if n == 99:
            raise ValueError("helper 7 refuses 99")
        for p in range(2):
            self.led.pulse(1 * us)
            delay(1 * us)
        self.pulses += 2
        return total + acc

    @kernel
    def compute(self):
        self.core.reset()
        delay(5 * ms)
        start = now_mu()
        grand = 0.0
        grand += self.h0(2, 0.5)
        grand += self.h1(3, 1.5)
        grand += self.h2(4, 2.5)
        grand += self.h3(5, 0.5)
        grand += self.h4(6, 1.5)
        grand += self.h5(2, 2.5)
        grand += self.h6(3, 0.5)
        grand += self.h7(4, 1.5)
        try:
            self.h5(99, 1.0)
        except ValueError as e:
            print("caught:", e)
        self.result = grand
        print("timeline advanced", now_mu() - start, "mu")

    def run(self):
        self.compute()
        self.compute()
        again = self.core._runner.last
        print("result", round(self.result, 6), "pulses", self.pulses)
        print("second call compiled:", again["units_compiled"], "sent:", again["units_sent"])

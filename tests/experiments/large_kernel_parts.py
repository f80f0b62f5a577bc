# A kernel large enough that the compiler splits its link unit into parts compiled in parallel
# (helpers moved to another part are called, not inlined): results, the timeline cursor across
# the calls, an exception raised in a moved helper and caught in the kernel, and writeback all
# behave as in one part; the second call compiles nothing. The eight helpers (~90 expressions
# each) are made from one text with `kernel_from_string`.
from strobe import *

HELPER = """values = [0.0] * 0
acc = 0
total = 0.0
for k in range(n):
    v = (k * {m} + {i}) % 97
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
    raise ValueError("helper {i} refuses 99")
for p in range(2):
    led.pulse_mu(1000)
    delay_mu(1000)
return total + acc"""


class LargeKernel(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("led")
        self.pulses = 0
        self.result = 0.0
        for i in range(8):
            body = HELPER.format(i=i, m=i % 13 + 1)
            setattr(self, f"h{i}", kernel_from_string(["n", "scale", "led"], body))

    @kernel
    def compute(self):
        self.core.reset()
        delay(5 * ms)
        start = now_mu()
        grand = 0.0
        grand += self.h0(2, 0.5, self.led)
        grand += self.h1(3, 1.5, self.led)
        grand += self.h2(4, 2.5, self.led)
        grand += self.h3(5, 0.5, self.led)
        grand += self.h4(6, 1.5, self.led)
        grand += self.h5(2, 2.5, self.led)
        grand += self.h6(3, 0.5, self.led)
        grand += self.h7(4, 1.5, self.led)
        self.pulses += 16
        try:
            self.h5(99, 1.0, self.led)
        except ValueError as e:
            print("caught:", e)
        self.result = grand
        print("timeline advanced", now_mu() - start, "mu")

    def run(self):
        self.compute()
        # compute's unit in two parts, the support functions, the drivers' units, the data.
        print("first call sent", self.core._runner.last["units_sent"], "units")
        self.compute()
        again = self.core._runner.last
        print("result", round(self.result, 6), "pulses", self.pulses)
        print("second call compiled:", again["units_compiled"], "sent:", again["units_sent"])

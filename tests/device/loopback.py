from strobe.devices import TTLOut, TTLInOut


def main():
    out = TTLOut(1)
    inp = TTLInOut(1)
    t0 = now_mu()
    print(t0)
    end = inp.gate_rising_mu(2000)
    at_mu(t0 + 100)
    for i in range(3):
        out.pulse_mu(50)
        delay_mu(250)
    for i in range(3):
        print(inp.timestamp_mu(end) - t0)
    print(inp.timestamp_mu(end))

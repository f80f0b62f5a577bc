from strobe.devices import TTLOut


def main():
    a = TTLOut(0)
    b = TTLOut(1)
    c = TTLOut(2)
    t0 = now_mu()
    print(t0)
    with parallel:
        a.pulse_mu(500)
        with sequential:
            b.pulse_mu(100)
            delay_mu(100)
            b.pulse_mu(100)
    c.pulse_mu(50)
    print(now_mu() - t0)

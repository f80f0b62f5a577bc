from strobe.devices import TTLOut


def main():
    ttl = TTLOut(3)
    t0 = now_mu()
    print(t0)
    for i in range(10):
        ttl.pulse_mu(100)
        delay_mu(100)

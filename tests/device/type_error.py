from strobe.devices import TTLOut


def main():
    ttl = TTLOut(0)
    ttl.pulse_mu(1.5)

from strobe.devices import TTLOut


def fire(ttl):
    ttl.pulse_mu(100)


def main():
    ttl = TTLOut(5)
    delay_mu(-200000)
    fire(ttl)

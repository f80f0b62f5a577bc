from strobe.devices import TTLOut


def main():
    ttl = TTLOut(0)
    at_mu(rtio_get_counter() - 1000)
    try:
        ttl.on()
    except RTIOUnderflow as e:
        print("caught:", e)
    at_mu(rtio_get_counter() + 10000)
    ttl.pulse_mu(10)
    print("still running")

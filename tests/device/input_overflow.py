from strobe.coredevice.rtio import rtio_gate, rtio_input_timestamp, rtio_output


def main():
    delay(1e-3)
    rtio_gate(9, 1)
    # More rising edges than an input FIFO holds (64), gate open the whole time.
    for i in range(70):
        rtio_output(0, 1)
        delay_mu(500)
        rtio_output(0, 0)
        delay_mu(500)
    end = now_mu()
    while rtio_get_counter() < end:  # every edge has happened: the FIFO overflowed
        pass
    try:
        rtio_input_timestamp(9, end)
        print("no overflow")
    except RTIOOverflow as e:
        print("caught:", e)
    # The flag is cleared: the recorded edges can be read.
    n = 0
    while rtio_input_timestamp(9, end) >= 0:
        n += 1
    print("then read", n)

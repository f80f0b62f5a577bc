from strobe.coredevice.rtio import rtio_gate, rtio_input_timestamp, rtio_output


def main():
    t0 = now_mu()
    # Gate windows on input 9 (its pin wired to output 0), on the timeline: rising edges in [2500, 4500), falling ones in
    # [4500, 6150), both in [6500, 7150).
    for at, sensitivity in [(2500, 1), (4500, 2), (6150, 0), (6500, 3), (7150, 0)]:
        at_mu(t0 + at)
        rtio_gate(9, sensitivity)
    # Pulses on output 0 (input 9 sees it): up at 1000, 2000, ..., 7000, each 100 ns long.
    at_mu(t0 + 1000)
    for i in range(7):
        rtio_output(0, 1)
        delay_mu(100)
        rtio_output(0, 0)
        delay_mu(900)
    while True:
        t = rtio_input_timestamp(9, t0 + 8000)
        if t < 0:
            break
        print(t - t0)

from strobe.coredevice.rtio import rtio_gate, rtio_input_timestamp, rtio_output


def main():
    t0 = now_mu()
    print(t0)
    rtio_gate(10, 1)
    delay_mu(2000)
    end = now_mu()
    at_mu(t0 + 100)
    for i in range(3):
        rtio_output(1, 1)
        delay_mu(50)
        rtio_output(1, 0)
        delay_mu(250)
    for i in range(3):
        print(rtio_input_timestamp(10, end) - t0)
    print(rtio_input_timestamp(10, end))

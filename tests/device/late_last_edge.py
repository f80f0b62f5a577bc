# Ends with its last output event 100 ms ahead on the timeline: the device waits for it to play
# (about 12.5 million cycles, well over the host's 10 s limit of silence on the simulator) and
# sends heartbeats meanwhile, so the run ends normally with every edge.
from strobe import ms
from strobe.coredevice.rtio import rtio_output


def main():
    rtio_output(0, 1)
    delay(100 * ms)
    rtio_output(0, 0)
    print("queued")

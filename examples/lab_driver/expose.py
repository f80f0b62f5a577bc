"""An exposure with the lab's own shutter driver (shutter.py, registered in device_db.py): the shutter's
drive edge leads by its latency so that it is open while the camera is triggered.

    strobe run examples/lab_driver/expose.py --trace -
"""

from strobe import *


class Expose(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.setattr_device("camera")
        self.setattr_device("shutter")
        self.setattr_argument("exposure", NumberValue(5 * us, unit="us"))

    @kernel
    def run(self):
        self.core.reset()
        delay(10 * us)
        with parallel:
            self.shutter.expose_mu(self.core.seconds_to_mu(self.exposure))
            self.camera.pulse(1 * us)
        print("exposed for", self.core.seconds_to_mu(self.exposure), "mu")

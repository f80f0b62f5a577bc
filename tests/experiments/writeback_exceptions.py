"""Writeback after a normal end and after an exception; exceptions both ways (see the .stdout)."""

import traceback

from strobe import *


class Overheated(Exception):
    pass


class SensorError(Exception):
    pass


def read_sensor(n: TInt32) -> TFloat:
    if n == 3:
        raise SensorError(f"sensor {n} is not connected")
    if n == 4:
        raise ZeroDivisionError("host division")
    return 20.0 + n


class WritebackExceptions(EnvExperiment):
    def build(self):
        self.setattr_device("core")
        self.temperatures = [0.0] * 4
        self.steps = 0
        self.status = "idle"

    @kernel
    def heat(self, limit):
        self.status = "heating"
        for i in range(4):
            self.steps += 1
            self.temperatures[i] = 20.0 * (i + 1)
            if self.temperatures[i] > limit:
                raise Overheated("too hot at step " + str(i))
        self.status = "done"

    @kernel
    def sensors(self):
        total = 0.0
        for n in range(5):
            try:
                total += read_sensor(n)
            except SensorError as e:
                print("kernel caught SensorError:", e)
        return total

    @kernel
    def divide(self, a):
        return 10 // a

    def run(self):
        self.heat(100.0)
        print("normal end:", self.status, self.steps, self.temperatures)
        try:
            self.heat(30.0)
        except Overheated as e:
            print("host caught Overheated:", e)
            print("kernel frames:", [(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__)
                                     if f.filename == __file__])
        print("after exception:", self.status, self.steps, self.temperatures)
        try:
            self.sensors()
        except ZeroDivisionError as e:
            print("host caught ZeroDivisionError from its own RPC:", e)
            print("frames:", [(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__)
                              if f.filename == __file__])
        try:
            self.divide(0)
        except ZeroDivisionError as e:
            print("host caught the kernel's ZeroDivisionError:", e)
            print("frames:", [(f.name, f.lineno, f.line) for f in traceback.extract_tb(e.__traceback__)
                              if f.filename == __file__])
        print("10 // 3 =", self.divide(3))

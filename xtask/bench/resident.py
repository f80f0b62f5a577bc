"""`cargo xtask bench resident`: what host data costs now that it is quoted as data. For a kernel
reading a host list of N int64 (N = 0 to 100k): the compile time of the first call and of a call
with new values (no code unit compiles), and the bytes sent; an edit-one-function sequence (units
compiled, bytes sent); the image sizes of the examples. Prints figures; asserts nothing."""

import os
import sys
import tempfile
import time

import numpy as np

from strobe import *
from strobe import embed, runner, runtime
from strobe._native import compile_program

#: Runs on the simulated device (16 MiB of main RAM: the image, then the arena the values are
#: decoded into); the largest list is only compiled (8 MB of data).
ON_DEVICE = (0, 1000, 10000, 100000)
ONLY_COMPILED = (1000000,)


class Sum(EnvExperiment):
    # Read-only in the kernel: nothing to write back (a written-back list travels as one RPC,
    # limited to 16 KiB today).
    kernel_invariants = {"times"}

    def build(self, n):
        self.setattr_device("core")
        self.times = np.arange(n, dtype=np.int64)

    @kernel
    def run(self) -> TInt64:
        total = int64(0)
        for t in self.times:
            total += t
        return total


def device_figures():
    print("kernel reading a host list of N int64, on the simulated device (ms, bytes)")
    print(f"{'N':>8} {'first compile':>14} {'sent':>9} {'new values compile':>19} {'sent':>9} {'units':>6}")
    for n in ON_DEVICE:
        exp = Sum(None, n)
        exp.run()
        first = dict(exp.core._runner.last)
        exp.times = exp.times + 1
        exp.run()
        again = exp.core._runner.last
        print(f"{n:>8} {first['compile'] * 1e3:>14.1f} {first['bytes']:>9} "
              f"{again['compile'] * 1e3:>19.1f} {again['bytes']:>9} {again['units_compiled']:>6}")
        runtime.close_sessions()  # stop this simulator before the next one starts


def compile_only_figures():
    print("compiled without a device")
    with tempfile.TemporaryDirectory() as d:
        for n in ONLY_COMPILED:
            exp = Sum(None, n)
            start = time.perf_counter()
            composition = embed.compose(Sum.run, (exp,), {})
            embedded = time.perf_counter() - start
            out = os.path.join(d, "k.elf")
            total, units, image = compile_program(embed.SYNTHETIC, composition.text, composition.runs,
                                                  out, False, composition.quoted)
            exp.times = exp.times + 1
            composition = embed.compose(Sum.run, (exp,), {})
            again, units_again, _ = compile_program(embed.SYNTHETIC, composition.text, composition.runs,
                                                    out, False, composition.quoted)
            print(f"{n:>8}: embed {embedded * 1e3:.1f} ms, compile {total * 1e3:.1f} ms ({units} units), "
                  f"new values {again * 1e3:.1f} ms ({units_again} units), image {image} bytes")


EDITED = """from strobe import *


@kernel
def calibrate(x: {param}) -> {param}:
    return {body}


@kernel
def smooth(x):
    return {smooth}


class Edited(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    @kernel
    def run(self) -> TInt32:
        return int32(calibrate({arg})) + smooth(3)
"""


def edit_sequence():
    """One session; the same file edited between calls."""
    import importlib.util

    from strobe.devices import SIM_DEVICE_DB
    from strobe.devices_db import DeviceDB, DeviceManager

    print("an edit-one-function sequence (one session): link units compiled, how the image was sent")
    devices = DeviceManager(DeviceDB(SIM_DEVICE_DB))
    steps = [
        ("first call", dict(param="TInt32", body="x + 1", smooth="x", arg="40")),
        ("unchanged", dict(param="TInt32", body="x + 1", smooth="x", arg="40")),
        ("annotated function's body edited", dict(param="TInt32", body="x * 2", smooth="x", arg="40")),
        ("its signature changed", dict(param="TInt64", body="x * 2", smooth="x", arg="int64(40)")),
        ("unannotated helper edited (compiled into its caller)",
         dict(param="TInt64", body="x * 2", smooth="x + 1", arg="int64(40)")),
    ]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "edited.py")
        for label, fields in steps:
            with open(path, "w") as f:
                f.write(EDITED.format(**fields))
            spec = importlib.util.spec_from_file_location("edited", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            exp = module.Edited(device_mgr=devices)
            exp.run()
            last = exp.core._runner.last
            print(f"  {label:<54} {last['units_compiled']:>2} units, {last['delivery']} {last['bytes']} bytes")
    runtime.close_sessions()


def example_images():
    print("the examples' run kernels: bytes of the image a device loads, and of the ELF file")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
    with tempfile.TemporaryDirectory() as d:
        for name in sorted(os.listdir(root)):
            if not name.endswith(".py"):
                continue
            exp = runner.Run(os.path.join(root, name), [], None).experiment
            if getattr(type(exp).run, "__strobe_kernel__", None) != "kernel":
                continue  # run() is host code calling kernels
            composition = embed.compose(type(exp).run, (exp,), {})
            out = os.path.join(d, name + ".elf")
            _, _, image = compile_program(embed.SYNTHETIC, composition.text, composition.runs, out,
                                          False, composition.quoted)
            print(f"  {name:<24} {image:>7} bytes image, {os.path.getsize(out):>7} bytes ELF")


if __name__ == "__main__":
    device_figures()
    compile_only_figures()
    edit_sequence()
    example_images()
    sys.stdout.flush()

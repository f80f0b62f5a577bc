"""`cargo xtask bench resident`: what resident code and quoted data save. (a) For a kernel reading a
host list of N int64 (N = 0 to 100k): the compile time of the first call and of a call with new
values (no code unit compiles), and the bytes sent. (b) One heavy function (~200 lines) called from
10 small kernels, without and with a bundle: per call, units compiled and sent, bytes, host dead
time. (c) An edit-one-function sequence: units compiled and sent, bytes. (d) The examples: bytes a
fresh device is sent for their run kernel. Prints figures; asserts nothing."""

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
        print(f"{'':>8} {'':>14} {'':>9} {'its upload (ms)':>19} {again['upload'] * 1e3:>9.1f}")
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


def heavy_source():
    """An experiment with a ~200-line annotated function and 10 small kernels calling it."""
    body = ["    acc = x"]
    for i in range(196):
        op = ("+", "-", "^", "*")[i % 4]
        operand = (i * 7919) % 1000 + 1 if op != "*" else 3
        body.append(f"    acc = (acc {op} {operand}) % 1000003")
    body.append("    return acc")
    kernels = []
    for k in range(10):
        kernels.append(f"""
    @kernel
    def small{k}(self) -> TInt32:
        return heavy(self.seed + {k})
""")
    return ("from strobe import *\n\n\n@kernel\ndef heavy(x: TInt32) -> TInt32:\n" + "\n".join(body) +
            "\n\n\nclass Heavy(EnvExperiment):\n    def build(self):\n        self.setattr_device(\"core\")\n"
            "        self.seed = 1\n" + "".join(kernels))


def heavy_calls():
    """(b): per call, without and with `bundled`."""
    import importlib.util

    from strobe.devices import SIM_DEVICE_DB
    from strobe.devices_db import DeviceDB, DeviceManager

    print("one heavy function (200 lines) from 10 small kernels: per call (first call of each kernel, then a repeat)")
    print("  (host ms: compiling and linking against the store on the host; link ms: sending, bound by")
    print("  the simulated serial link, ~11 KB/s)")
    print(f"  {'':<34} {'compiled':>8} {'sent':>5} {'bytes':>7} {'host ms':>8} {'link ms':>8}")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "heavy.py")
        with open(path, "w") as f:
            f.write(heavy_source())
        spec = importlib.util.spec_from_file_location("heavy", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        exp = module.Heavy(device_mgr=DeviceManager(DeviceDB(SIM_DEVICE_DB)))

        def row(label):
            last = exp.core._runner.last
            host = (last["compile"] + last["link"]) * 1e3
            print(f"  {label:<34} {last['units_compiled']:>8} {last['units_sent']:>5} {last['bytes']:>7} "
                  f"{host:>8.2f} {last['send'] * 1e3:>8.2f}")

        kernels = [getattr(exp, f"small{k}") for k in range(10)]
        for k, kernel in enumerate(kernels[:5]):
            kernel()
            row(f"no bundle, small{k} first call")
        kernels[0]()
        exp.seed = 2
        kernels[0]()
        row("no bundle, small0 again, new seed")
        start = time.perf_counter()
        with exp.core.bundled(*kernels[5:]):
            entered = time.perf_counter() - start
            print(f"  entering a bundle of small5..small9: {entered * 1e3:.1f} ms (compiles and uploads them)")
            for k in range(5, 10):
                kernels[k]()
                row(f"bundle, small{k}")
            for seed in (3, 4):
                exp.seed = seed
                kernels[5]()
                row(f"bundle, small5 again, seed {seed}")
            kernels[0]()
            row("in the block, small0 (not bundled)")
    runtime.close_sessions()


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
            print(f"  {label:<54} {last['units_compiled']:>2} compiled, {last['units_sent']} sent "
                  f"({last['delivery']}, {last['bytes']} bytes)")
    runtime.close_sessions()


def example_images():
    print("the examples' run kernels: bytes a fresh device is sent (the kernel's own units and data; "
          "the shared support unit of soft-float/libm functions counted apart), the whole image, its ELF file")
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
            kernels = runtime.KernelRunner(exp.core)
            kernels.load(composition)
            units = kernels.session.unit_sizes()
            runtime.close_sessions()
            own = sum(n for name, n, sent in units if sent and name != "support functions")
            support = sum(n for name, n, sent in units if sent and name == "support functions")
            print(f"  {name:<24} {own:>6} bytes sent (+ {support} support), {image:>6} bytes image, "
                  f"{os.path.getsize(out):>6} bytes ELF")


PARTS = {"data": device_figures, "compile": compile_only_figures, "heavy": heavy_calls,
         "edit": edit_sequence, "examples": example_images}

if __name__ == "__main__":
    # `resident.py heavy edit` runs only those parts; all by default.
    for name in sys.argv[1:] or PARTS:
        PARTS[name]()
    sys.stdout.flush()

"""``python -m strobe.frontend.artiq_run``: ARTIQ's ``artiq_run``. Runs an experiment file, or a
kernel ``artiq_compile`` wrote (``.elf``), on the core device the device database names (its
``core``'s ``host``; the simulated one when it names none)."""

import argparse
import sys

from .. import runner
from ..coredevice.core import device_address
from .common import add_common_arguments, device_db_path


def get_argparser():
    parser = argparse.ArgumentParser(description="Strobe's ARTIQ-compatible local experiment runner")
    add_common_arguments(parser, "the experiment file, or a compiled kernel (.elf)")
    parser.add_argument("-o", "--hdf5", default=None, help="write the results to this HDF5 file")
    return parser


def core_device(device_db):
    """The address the database's ``core`` names (None: the simulated device)."""
    if device_db is None:
        return None
    _, desc = runner.device_db_for(None, device_db).description("core")
    arguments = desc.get("arguments", {})
    return arguments.get("device") or device_address(arguments.get("host"))


def main():
    args = get_argparser().parse_args()
    device_db = device_db_path(args)
    device = core_device(device_db)
    if args.file.endswith(".elf"):
        from .._native import main as native_main

        argv = ["strobe", "run", args.file] + (["--device", device] if device else [])
        sys.stdout.flush()
        sys.exit(native_main(argv))
    sys.exit(runner.run_experiment(args.file, args.arguments, args.class_name, device=device,
                                   hdf5=args.hdf5, dataset_db=args.dataset_db,
                                   device_db=device_db))


if __name__ == "__main__":
    main()

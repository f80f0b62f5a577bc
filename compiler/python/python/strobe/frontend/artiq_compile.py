"""``python -m strobe.frontend.artiq_compile``: ARTIQ's ``artiq_compile``. An experiment's ``run``
kernel compiled to an ELF image without a device (``strobe compile``), which ``artiq_run`` (or
``strobe run``) runs on the core device it was compiled for."""

import argparse
import os
import sys

from .. import runner
from .common import add_common_arguments, device_db_path


def get_argparser():
    parser = argparse.ArgumentParser(description="Strobe's ARTIQ-compatible static compiler")
    add_common_arguments(parser, "the experiment file")
    parser.add_argument("-o", "--output", default=None, help="the ELF file (default: FILE.elf)")
    return parser


def main():
    args = get_argparser().parse_args()
    output = args.output or os.path.splitext(args.file)[0] + ".elf"
    sys.exit(runner.compile_experiment(args.file, output, args.arguments, args.class_name,
                                       device_db=device_db_path(args)))


if __name__ == "__main__":
    main()

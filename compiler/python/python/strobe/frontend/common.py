"""What the ARTIQ-named tools share: the device database argument, as ARTIQ's tools take it."""

import os


def add_device_db(parser):
    parser.add_argument("--device-db", default="device_db.py",
                        help="the device database file (default: device_db.py; without one, the "
                             "experiment's own or the simulated core device's)")


def device_db_path(args):
    """The device database the tool was given, if it exists (ARTIQ's default path may not)."""
    if args.device_db != "device_db.py" or os.path.exists(args.device_db):
        return args.device_db
    return None

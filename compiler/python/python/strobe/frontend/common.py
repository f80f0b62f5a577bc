"""What the ARTIQ-named tools share: the device and dataset databases, the class, the file and the
experiment's arguments, as ARTIQ's tools take them."""

import os


def add_common_arguments(parser, file_help):
    parser.add_argument("--device-db", default="device_db.py",
                        help="the device database file (default: device_db.py; without one, the "
                             "experiment's own or the simulated core device's)")
    parser.add_argument("--dataset-db", default="dataset_db.pyon", help="the dataset database")
    parser.add_argument("-c", "--class-name", default=None,
                        help="the experiment class, when the file has several")
    parser.add_argument("file", help=file_help)
    parser.add_argument("arguments", nargs="*", help="experiment arguments, name=value")


def device_db_path(args):
    """The device database the tool was given, if it exists (ARTIQ's default path may not)."""
    if args.device_db != "device_db.py" or os.path.exists(args.device_db):
        return args.device_db
    return None

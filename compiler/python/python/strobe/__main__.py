"""The ``strobe`` command line: the console script ``strobe`` and ``python -m strobe`` both run
:func:`main`, in the interpreter they were started with (so its packages are the experiment's)."""

import sys


def main():
    from ._native import main as native_main

    sys.stdout.flush()
    code = native_main([sys.argv[0]] + sys.argv[1:])
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()

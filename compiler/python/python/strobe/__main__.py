"""``python -m strobe run experiment.py``: the same as ``strobe run experiment.py``.

Kernels need the compiler and the core-device driver, which live in the ``strobe`` program (it
embeds this interpreter), so this hands the command line over to it: ``$STROBE``, else ``strobe``
on the PATH, else the build in this source tree.
"""

import os
import shutil
import sys


def strobe_program():
    candidates = [os.environ.get("STROBE"), shutil.which("strobe")]
    here = os.path.dirname(os.path.abspath(__file__))
    candidates.append(os.path.join(here, "..", "..", "..", "..", "target", "release", "strobe"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    sys.exit("python -m strobe: the `strobe` program was not found (build it with "
             "`cargo build --release --bin strobe`, or set STROBE=/path/to/strobe)")


def main():
    program = strobe_program()
    os.execv(program, [program] + sys.argv[1:])


if __name__ == "__main__":
    main()

"""``python3 -m pcapkit ARGS``: the pcapkit command line, as jspcap's ``python -m jspcap``."""

import os
import shutil
import sys


def _cli():
    """The pcapkit program: $PCAPKIT_CLI, the build tree's, or the one on PATH."""
    try:
        from ._build import CLI
    except ImportError:
        CLI = None
    for candidate in (os.environ.get("PCAPKIT_CLI"), CLI, shutil.which("pcapkit")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("pcapkit: the pcapkit program is not installed (cmake --install, or set PCAPKIT_CLI)")


def main():
    cli = _cli()
    os.execv(cli, ["pcapkit", *sys.argv[1:]])


if __name__ == "__main__":
    main()

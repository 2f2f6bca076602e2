"""``python -m playground``: the headless command line (see playground.cli)."""

import sys

try:
    from playground.cli import main
except KeyboardInterrupt:  # Ctrl-C while the engine loads: one line, no traceback
    sys.stderr.write("interrupted\n")
    sys.exit(130)

sys.exit(main())

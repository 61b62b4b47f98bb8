#!/usr/bin/env python3
"""Entry point: `python build.py [build|import|check|serve|new] ...`. All logic lives in sitegen/."""

import signal
import sys


def _stopped_during_start_up() -> int:
    if sys.argv[1:2] == ["serve"]:
        print("Stopped.", file=sys.stderr)
        return 0
    print("Interrupted; nothing was changed.", file=sys.stderr)
    return 130


if __name__ == "__main__":
    # Loading the program takes a moment; Ctrl-C or a stop request meanwhile must end it quietly, not with a
    # traceback or a kill by signal. The commands install their own handlers once they run.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        from sitegen.cli import main
    except KeyboardInterrupt:
        sys.exit(_stopped_during_start_up())
    sys.exit(main())

#!/usr/bin/env python3
"""Entry point: `python build.py [build|import|check|serve] ...`. All logic lives in sitegen/."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())

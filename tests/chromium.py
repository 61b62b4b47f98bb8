"""Debian's chromium for the browser tests, driven by Playwright (browser downloads are impossible here)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# CHROMIUM_PATH points elsewhere on machines without Debian's package (GitHub's runners have Google Chrome).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium package is not installed")
# The flags this machine needs: without the background-networking ones Chromium keeps dialling out.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

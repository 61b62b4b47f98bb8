from __future__ import annotations

from pathlib import Path

import pytest

from tests.sample_site import make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the sample site in its own folder."""
    return make_project(tmp_path / "project")

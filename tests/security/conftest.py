from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.harness import Bases, Case


@pytest.fixture(scope="session")
def bases(tmp_path_factory: pytest.TempPathFactory) -> Bases:
    """The sample site and the check tests' clean site, each built once for the whole suite."""
    return Bases(tmp_path_factory.mktemp("security-bases"))


@pytest.fixture
def case(bases: Bases, tmp_path: Path) -> Case:
    """A built copy of the sample site (tests/fixtures/sample_site) with sentinels in it and its parent."""
    return Case(bases, tmp_path)


@pytest.fixture
def clean(bases: Bases, tmp_path: Path) -> Case:
    """A built copy of the clean check site: `check` reports nothing, so any report comes from the case."""
    return Case(bases, tmp_path, kind="clean")

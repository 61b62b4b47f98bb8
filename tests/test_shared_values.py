"""Equal sources, authors, reviewers and topic lists of different articles are one object in the loaded site
(sitegen/read/loader.py, share_equal_values): smaller in memory, and pickled once into the build cache."""

from __future__ import annotations

import pickle
from pathlib import Path

from sitegen.build.pipeline import build_site
from sitegen.model import Site
from sitegen.read.project import BuildOptions, Paths


def test_equal_values_of_different_articles_are_one_object(project: Path, tmp_path: Path) -> None:
    built = build_site(Paths.for_project(project, out=tmp_path / "out"), BuildOptions(search=False, force=True)).site
    kept = pickle.loads(pickle.dumps(built))  # what the build cache keeps: pickle writes a shared object once
    for site in (built, kept):
        _assert_shared(site)


def _assert_shared(site: Site) -> None:
    authors = [person for article in site.articles for person in article.meta.authors]
    assert len(authors) > len(set(authors)), "the sample site has articles by the same author"
    for values in (
        authors,
        [source for article in site.articles for source in article.meta.sources],
        [article.meta.authors for article in site.articles],
        [article.meta.topics for article in site.articles],
    ):
        first: dict[object, object] = {}
        for value in values:
            assert first.setdefault(value, value) is value

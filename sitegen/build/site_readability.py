"""Reading grades for every published article of a project (used by the report script and the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.check.readability import Readability, measure
from sitegen.errors import Problem, SiteError
from sitegen.read.config import load_config
from sitegen.read.loader import find_content_files, load_article
from sitegen.read.project import Paths, build_date
from sitegen.render.markdown import BodyRenderer


@dataclass(frozen=True)
class PageGrade:
    path: str  # as editors see it, e.g. content/numbness-in-hands/index.md
    type: str
    readability: Readability


def grade_project(root: Path) -> list[PageGrade]:
    paths = Paths.for_project(root)
    config = load_config(paths.config_file, "site.yml")
    files, problems = find_content_files(paths.content_dir)
    if problems:
        raise SiteError(problems)
    renderer = BodyRenderer(config.base_path)
    grades: list[PageGrade] = []
    for path in files:
        relative = path.relative_to(paths.content_dir).as_posix()
        article, problems = load_article(path, paths.content_dir, relative, config, build_date())
        if article is None:
            if problems:
                raise SiteError(problems)
            continue
        source_ids = [source.id for source in article.meta.sources]
        rendered = renderer.render(article.body, source_ids, relative, article.body_line)
        if isinstance(rendered, Problem):
            raise SiteError([rendered])
        grades.append(PageGrade(f"content/{relative}", article.meta.type, measure(rendered.html)))
    return grades

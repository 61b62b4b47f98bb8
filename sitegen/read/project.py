"""The project as the commands see it: where its folders are, the options of a build, the build's date and each
page's last commit date. Plain data and small functions, so a command that finds nothing to do starts quickly."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem, Severity, display_path
from sitegen.read.gitinfo import is_shallow, last_commit_dates, repository_root

DEFAULT_PORT = 8000  # the preview's first choice of port
# Searchable pages per search shard, when set in the environment (sitegen/write/search_index.py); tests use tiny ones.
SHARD_PAGES_SETTING = "SITEGEN_SEARCH_SHARD_PAGES"
ADMIN_DIR = "admin"  # the form editor: vendored in the project, published at /admin/ (sitegen/render/cms_config.py)


@dataclass(frozen=True)
class Paths:
    project_root: Path
    config_file: Path
    content_dir: Path
    templates_dir: Path
    static_dir: Path
    out_dir: Path

    @classmethod
    def for_project(
        cls, root: Path, config: Path | None = None, content: Path | None = None, out: Path | None = None
    ) -> Paths:
        return cls(
            project_root=root,
            config_file=config or root / "site.yml",
            content_dir=content or root / "content",
            templates_dir=root / "templates",
            static_dir=root / "static",
            out_dir=out or root / "_site",
        )

    def shown(self, path: Path) -> str:
        return display_path(path.resolve(), self.project_root.resolve())


@dataclass(frozen=True)
class BuildOptions:
    base_url: str = ""
    drafts: bool = False
    force: bool = False
    jobs: int = 0  # 0: one per core
    hash_assets: bool = True  # the preview keeps stable names so a changed stylesheet can be swapped in place
    start_method: str = ""  # multiprocessing start method; the preview, which has threads, uses forkserver
    search: bool = True  # write the Pagefind search index


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


# Each article's last commit date keyed by its path inside content/, and the warnings found reading them.
History = tuple[tuple[tuple[str, str], ...], list[Problem]]


def content_history(paths: Paths) -> History:
    """Each article's last commit date ("Last updated"), keyed by its path inside content/. None in a shallow
    clone, where every file would get the clone's date: that is a warning, since it is easy to fix in CI. It runs
    `git log` over the whole content folder: the cached build reads it once and hands it to build_site."""
    content = paths.content_dir.resolve()
    top = repository_root(content)
    if top is None:
        return (), []
    if is_shallow(top):
        warning = Problem(
            paths.shown(paths.content_dir),
            0,
            "",
            "is in a shallow git clone, so pages show no 'Last updated' date",
            "fetch the full history (actions/checkout with fetch-depth: 0)",
            Severity.WARNING,
        )
        return (), [warning]
    dates = last_commit_dates(top, content)
    return tuple(sorted((path.relative_to(content).as_posix(), day.isoformat()) for path, day in dates.items())), []

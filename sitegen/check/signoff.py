"""REV004: a clinical sign-off older than the page's last clinical change. A page marked `clinical_review:
complete` tells readers a clinician checked what it says; once its text or its clinical fields change after the
reviewer's `signed_off` day (or `last_reviewed`, without one), that is no longer true until someone reviews it again.

The last change is found in git: the page's uncommitted edits, then its commits newest first (following
renames, by the day each change was written), comparing only what a clinician signs off. Adding a page is not a
change: a site moving here keeps the sign-offs its pages had before. Retitling, re-dating, retiring or re-tagging
a page, or pointing a link elsewhere, needs no new review. Outside git there is nothing to compare with and
nothing is reported; a shallow clone compares what history it has (its oldest commit counts as the page's start).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from sitegen.errors import Problem
from sitegen.model import Article
from sitegen.read.frontmatter import split
from sitegen.read.gitinfo import changed_files, file_at, file_versions, last_commit_dates, repository_root

_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\([^)]*\)")  # a link's words are signed off, not where it points

# Front matter a clinician does not sign off: how the page is found, filed and dated, and the sign-off itself.
NOT_CLINICAL = frozenset(
    {
        "title",
        "slug",
        "status",
        "topics",
        "date_published",
        "last_reviewed",
        "next_review_due",
        "reviewers",
        "clinical_review",
        "changes",
        "related",
        "redirect_from",
        "replaced_by",
        "authors",
    }
)


def sign_off_day(article: Article) -> dt.date:
    """The latest reviewer's `signed_off`, or `last_reviewed` when no reviewer gives one."""
    days = [reviewer.signed_off for reviewer in article.meta.reviewers if reviewer.signed_off is not None]
    return max(days) if days else article.meta.last_reviewed


def stale_sign_offs(content_dir: Path, articles: Iterable[tuple[Article, str]], today: dt.date) -> list[Problem]:
    """REV004 for each signed-off page (with the path shown to editors) changed after its sign-off."""
    signed = [(article, shown) for article, shown in articles if article.meta.clinical_review == "complete"]
    top = repository_root(content_dir) if signed else None
    if top is None:
        return []
    last_commits = last_commit_dates(top, content_dir, authored=True)
    uncommitted = changed_files(top, "HEAD") or set()
    problems = []
    for article, shown in signed:
        path = (content_dir / article.source_path).resolve()
        signed_day = sign_off_day(article)
        committed = last_commits.get(path)
        if path not in uncommitted and (committed is None or committed <= signed_day):
            continue  # nothing written after the sign-off: no need to read the history
        change = last_clinical_change(top, path, today)
        if change is not None and change[0] > signed_day:
            problems.append(_problem(article, shown, signed_day, *change))
    return problems


def last_clinical_change(top: Path, path: Path, today: dt.date) -> tuple[dt.date, bool] | None:
    """The day the page's clinical content last changed, and whether that change is not committed yet (its day
    is then `today`); None if it has not changed since it was first committed."""
    versions = file_versions(top, path)
    try:
        newer = clinical_content(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None
    day, uncommitted = today, True
    for version in versions:
        text = file_at(top, version)
        older = clinical_content(text) if text is not None else None
        if older != newer:
            return day, uncommitted
        newer = older
        day, uncommitted = version.day, False
    return None  # unchanged since it was first committed: a page's history before the repository is not ours


def clinical_content(text: str) -> tuple[str, str]:
    """What a clinician signs off: the clinical front matter and the body, with spacing evened out."""
    parts = split(text.removeprefix("\ufeff"), "")
    if isinstance(parts, Problem):
        return "", " ".join(text.split())
    try:
        fields = yaml.safe_load(parts.front_matter)
    except yaml.YAMLError:
        fields = parts.front_matter
    if isinstance(fields, dict):
        fields = {key: value for key, value in fields.items() if key not in NOT_CLINICAL}
    return yaml.safe_dump(fields, sort_keys=True), " ".join(_LINK.sub(r"\1", parts.body).split())


def _problem(article: Article, shown: str, signed_day: dt.date, changed: dt.date, uncommitted: bool) -> Problem:
    when = "has changes not yet committed" if uncommitted else f"was changed on {changed}"
    if any(reviewer.signed_off for reviewer in article.meta.reviewers):
        field, line, update = "signed_off", article.line_of("reviewers"), "their signed_off (under reviewers)"
    else:
        field, line, update = "last_reviewed", article.line_of("last_reviewed"), "last_reviewed"
    return Problem(
        shown,
        line,
        field,
        f"is {signed_day}, but the page {when}: the clinical sign-off does not cover that change",
        f"ask a clinical reviewer to check the change; once they approve it, set {update} to the day they did",
        code="REV004",
    )

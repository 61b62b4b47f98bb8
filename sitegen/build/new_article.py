"""`new`: a draft article with every required field present. What only an editor can supply is a TODO
placeholder, which `check` reports (FM002) until it is replaced."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sitegen.errors import UsageError
from sitegen.read.config import load_config
from sitegen.read.project import Paths, build_date
from sitegen.read.slugs import slugify
from sitegen.write.writer import replace_file

SECTIONS = {
    "symptom": ("What it feels like", "Common causes", "Things you can do yourself", "What happens at an appointment"),
    "condition": ("Symptoms", "Causes", "Treatment", "Outlook"),
    "guide": ("What to know", "What you can do"),
    "policy": ("What this page covers", "How to contact us"),
    "hub": ("Start here",),
}


@dataclass(frozen=True)
class NewArticle:
    title: str
    type: str
    folder: str = ""
    topic: str | None = None


def a_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def article_text(new: NewArticle, topic: str, today: dt.date) -> str:
    day = today.isoformat()
    lines = [
        "---",
        f"title: {_quoted(new.title)}",
        f"type: {new.type}",
        "status: draft",
        'summary: "TODO: say in one plain sentence what this page covers and who it is for."',
        "audience: patient",
        f"topics: [{topic}]",
    ]
    if new.type in ("symptom", "condition"):
        schema_type = "MedicalSymptom" if new.type == "symptom" else "MedicalCondition"
        lines += ["about:", f"  schema_type: {schema_type}", f"  name: {_quoted(new.title)}"]
    if new.type in ("symptom", "condition", "guide"):
        lines += [
            "care:",
            "  emergency:",
            '    - "TODO: the id of a sign in rules/red-flags.yml that means call for an ambulance now"',
            "  urgent:",
            '    - "TODO: the id of a sign in rules/red-flags.yml that means get help today"',
            "  non_urgent:",
            '    - "TODO: a sign that means book a routine appointment"',
        ]
    lines += [
        "authors:",
        "  - {name: Editorial team, role: Health writers}",
        "clinical_review: pending",
        f"date_published: {day}",
        f"last_reviewed: {day}",
        f"next_review_due: {a_year_after(today).isoformat()}",
        "sources:",
    ]
    for number in (1, 2):
        lines += [
            f"  - id: source-{number}",
            f'    title: "TODO: the title of source {number}, as its page shows it"',
            f'    publisher: "TODO: who published source {number} (a name from publishers in site.yml)"',
            f'    url: "https://TODO.invalid/source-{number}"',
            f"    accessed: {day}",
            "    kind: patient-information",
        ]
    lines += ["changes:", f"  - {{date: {day}, summary: First draft.}}", "---", ""]
    for index, heading in enumerate(SECTIONS[new.type]):
        lines += [
            f"## {heading}",
            "",
            f"TODO: write the section '{heading}' in short sentences.[^source-{index % 2 + 1}]",
            "",
        ]
    if len(SECTIONS[new.type]) == 1:
        lines += ["TODO: one more sentence, citing the second source.[^source-2]", ""]
    return "\n".join(lines)


def write_new_article(paths: Paths, new: NewArticle) -> str:
    config = load_config(paths.config_file, paths.shown(paths.config_file))
    slug = slugify(new.title)
    if not slug:
        raise UsageError("the title needs at least one letter or digit")
    if len(new.title) > 65:
        raise UsageError("the title must be at most 65 characters")
    topics = [topic.slug for topic in config.topics]
    topic = new.topic or topics[0]
    if topic not in topics:
        raise UsageError(f"--topic must be one of: {', '.join(topics)}")
    folder = paths.content_dir
    for part in [p for p in new.folder.strip("/").split("/") if p]:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", part):
            raise UsageError("--folder must be lower-case words joined by hyphens, e.g. conditions")
        folder = folder / part
    target = folder / f"{slug}.md"
    if target.exists():
        raise UsageError(f"{paths.shown(target)} already exists; choose another title or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    replace_file(target, article_text(new, topic, build_date()).encode("utf-8"))
    return paths.shown(target)

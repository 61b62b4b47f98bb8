"""Turn the shared synthetic corpus (gen_corpus.py --flavour yaml) into a project our build accepts.

Each generated article keeps its Markdown body; its front matter is rewritten into our content model
(the fields a real article needs), and two citation markers are appended so the sources are cited.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from sitegen.check.duplicates import body_units  # noqa: E402
from sitegen.dedupe.engine import deduplicate  # noqa: E402  (the repository root must be importable first)

REMOVED_PARAGRAPHS: list[int] = []  # how many paragraphs each affected article lost, for the report
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"

_FIELD = re.compile(r'^(\w+): "?(.*?)"?$')
_SOURCES = """sources:
  - {id: bench-a, title: Example guideline, publisher: NHS, url: "https://www.nhs.uk/", accessed: 2025-01-01,
     kind: guideline}
  - {id: bench-b, title: Example leaflet, publisher: MedlinePlus, url: "https://medlineplus.gov/",
     accessed: 2025-01-01, kind: patient-information}
"""


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _front_matter(path: Path) -> tuple[dict[str, str], str]:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    fields = {}
    for line in head.splitlines():
        match = _FIELD.match(line)
        if match:
            fields[match.group(1)] = match.group(2)
    return fields, body


def without_repeats(body: str) -> str:
    """The body minus paragraphs our duplicate check would reject (the generator reuses sentences, and in a
    few articles one paragraph's sentences all recur in a longer one). Removed with the importer's engine."""
    removed = {d.line for d in deduplicate(body_units(body)).removed if d.rule != "empty heading"}
    if not removed:
        return body
    REMOVED_PARAGRAPHS.append(len(removed))
    return "\n".join(line for number, line in enumerate(body.split("\n"), start=1) if number not in removed)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fit(text: str, low: int, high: int, pad: str) -> str:
    while len(text) < low:
        text = f"{text} {pad}"
    return text if len(text) <= high else text[: high - 1].rsplit(" ", 1)[0] + "."


def convert_article(path: Path, target: Path, topics: set[str], home: bool = False) -> None:
    fields, body = _front_matter(path)
    if home:  # the generated home body is a link list of every article; our home page makes its own
        body = "\n".join(line for line in body.splitlines() if not line.startswith("- ["))
    body = without_repeats(body)
    title = _fit(fields.get("title", path.stem), 1, 65, "")
    summary = _fit(fields.get("summary", title), 50, 160, "Plain-language health information.")
    category = slugify(fields.get("category", "general")) or "general"
    topics.add(category)
    day = fields.get("date", "2024-01-01")
    year, rest = day.split("-", 1)
    front = "\n".join(
        [
            "---",
            f"title: {_quote(title)}",
            f"type: {'hub' if home else 'guide'}",
            "status: published",
            f"summary: {_quote(summary)}",
            f"topics: [{category}]",
            "authors: [{name: Editorial team, role: Health writers}]",
            "clinical_review: pending",
            f"date_published: {day}",
            f"last_reviewed: {day}",
            f"next_review_due: {int(year) + 2}-{rest if rest != '02-29' else '02-28'}",
            _SOURCES.rstrip("\n"),
            "---",
            "",
        ]
    )
    target.write_text(front + body.rstrip("\n") + "\n\nSources used for this page.[^bench-a][^bench-b]\n", "utf-8")


def make_project(n: int, out: Path, seed: int = 42) -> Path:
    """Generate n articles and lay them out as a project folder; returns the project folder."""
    raw = out / "raw"
    project = out / "project"
    for folder in (raw, project):
        if folder.exists():
            shutil.rmtree(folder)
    command = [sys.executable, str(GENERATOR), str(n), "--out", str(raw), "--flavour", "yaml", "--seed", str(seed)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    articles = project / "content" / "articles"
    articles.mkdir(parents=True)
    topics: set[str] = {"general"}
    for path in sorted((raw / "articles").glob("*.md")):
        convert_article(path, articles / path.name, topics)
    convert_article(raw / "index.md", project / "content" / "index.md", topics, home=True)
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, project / name)
    settings = (REPO / "site.yml").read_text(encoding="utf-8")
    topic_lines = "".join(
        f"  - {{slug: {t}, title: {_quote(t.replace('-', ' ').capitalize())}, description: Articles about {t}.}}\n"
        for t in sorted(topics)
    )
    settings = (
        settings[: settings.index("topics:")] + "topics:\n" + topic_lines + settings[settings.index("publishers:") :]
    )
    (project / "site.yml").write_text(settings, encoding="utf-8")
    return project

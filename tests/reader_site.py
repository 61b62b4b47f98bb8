"""A fixture site shaped like the reader's pages: a home page with the "Where is your numbness?" chooser, a long
symptom page (about 1,600 words, a ten-row pattern table, ten causes, 21 care-card lines, 15 sources) and the pages
the chooser points at. The words are filler written for the tests, not medical advice; only the shape and the
amount of text match a real symptom page, so layout, print and tap tests measure something representative."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.sample_site import FIXTURE, REPO

SITE_YML = """\
name: Reader test site
description: A fixture site for the reader-page tests.
base_url: https://reader.example/
language: en-GB
repository_url: https://github.com/example-org/reader-site
feedback_url: mailto:feedback@reader.example
services:
  emergency: {name: Emergency services, phone: "999"}
  urgent: {name: NHS 111, phone: "111"}
  non_urgent: {name: Your GP surgery, phone: ""}
topics:
  - {slug: hands, title: Numb hands, description: Pages about numb hands.}
  - {slug: neck, title: Neck problems, description: Pages about the neck.}
  - {slug: about, title: About this site, description: Who we are.}
publishers: [NHS, MedlinePlus]
chooser:
  - {text: Is this an emergency? Signs that need help fast, link: "numb/emergency/", emergency: true}
  - {text: Sudden numbness on one side of the body or face, link: "numb/emergency/#signs-of-a-stroke", emergency: true}
  - {text: "Fingers numb after pressure, such as sleeping on your arm", link: "numb/temporary/#pressure-and-position"}
  - {text: Thumb and index finger tingle at night, link: "conditions/wrist/"}
  - {text: Little finger is numb, link: "conditions/elbow/"}
  - {text: Both hands and feet, link: "numb/#cause-6"}
  - {text: "Both hands, with clumsiness", link: "numb/#when-to-get-help"}
"""

# The five questions readers bring, and where each must land (issue 14).
QUESTIONS = {
    "is this an emergency?": ("Is this an emergency", "/numb/emergency/", ""),
    "thumb and index finger tingle at night": ("Thumb and index finger", "/conditions/wrist/", ""),
    "little finger is numb": ("Little finger", "/conditions/elbow/", ""),
    "both hands and feet": ("Both hands and feet", "/numb/", "cause-6"),
    "numb after sleeping on my arm": ("sleeping on your arm", "/numb/temporary/", "pressure-and-position"),
}

_WORDS = [
    "hand",
    "arm",
    "finger",
    "wrist",
    "elbow",
    "neck",
    "morning",
    "evening",
    "night",
    "cold",
    "warm",
    "pressure",
    "rest",
    "work",
    "sleep",
    "walk",
    "write",
    "hold",
    "carry",
    "lift",
    "type",
    "press",
    "tap",
    "grip",
    "bend",
    "turn",
    "reach",
    "stretch",
    "shake",
    "rub",
    "move",
]
_counter = [0]


def _sentence(n: int) -> str:
    """Seventeen words, different for every call, so no two paragraphs repeat (the build rejects repeats)."""
    _counter[0] += 1
    k = _counter[0]
    picked = [_WORDS[(k * 7 + i * (k % 5 + 3)) % len(_WORDS)] for i in range(9)]
    return f"Filler sentence {k} for part {n} talks about the " + " ".join(picked)


def _sources(count: int) -> str:
    return "\n".join(
        f"  - {{id: s{n}, title: Source number {n} with a fairly long title, publisher: NHS, "
        f'url: "https://www.nhs.uk/conditions/some-condition-{n}/a-longer-path-{n}/", accessed: 2025-01-05, '
        "kind: patient-information}"
        for n in range(1, count + 1)
    )


def _front(title: str, kind: str, sources: int, care: str = "", extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ntype: {kind}\nstatus: published\n"
        f"summary: A fixture page called {title.lower()}, used by the reader-page tests for layout.\n"
        f"topics: [hands]\nauthors: [{{name: Editorial team, role: Health writers}}]\n{care}{extra}"
        "date_published: 2025-01-10\nlast_reviewed: 2025-02-01\nnext_review_due: 2027-02-01\n"
        f"changes:\n  - {{date: 2025-01-10, summary: First published.}}\nsources:\n{_sources(sources)}\n---\n\n"
    )


def _paragraph(words: int, source: int) -> str:
    sentences = max(1, words // 17)
    return " ".join(f"{_sentence(i + 1)}." for i in range(sentences)) + f"[^s{source}]\n"


def symptom_page() -> str:
    care = (
        "care:\n  emergency:\n"
        + "".join(f"    - you notice emergency sign number {n} together with a second thing\n" for n in range(1, 10))
        + "  urgent:\n"
        + "".join(f"    - you notice urgent sign number {n} over a few days\n" for n in range(1, 6))
        + "  non_urgent:\n"
        + "".join(f"    - you notice routine sign number {n} that keeps coming back\n" for n in range(1, 8))
    )
    rows = "\n".join(
        f"| Pattern number {n}: numbness or tingling in some of the fingers, worse at some times of day | "
        f"[Cause number {n}](#cause-{n}), a squeezed nerve somewhere in the arm. See the section below.[^s{n}] |"
        for n in range(1, 11)
    )
    causes = "\n".join(f"### Cause {n}\n\n{_paragraph(85, n)}\n{_paragraph(25, n)}" for n in range(1, 11))
    body = (
        _paragraph(60, 1)
        + "\n## What it feels like\n\n"
        + _paragraph(50, 2)
        + "\n## What the pattern can tell you\n\n| What you notice | A likely cause |\n|---|---|\n"
        + rows
        + "\n\n## Why hands go numb\n\n"
        + causes
        + "\n## What you can do\n\n"
        + "".join(f"- {_sentence(n)}.[^s{n + 10}]\n" for n in range(1, 5))
        + "\n## At your appointment\n\n"
        + _paragraph(90, 15)
        + "\n## Seeing a GP\n\n"
        + _paragraph(120, 11)
    )
    extra = "medical_name: paraesthesia\naliases: [pins and needles, tingling hands]\n"
    about = "about: {schema_type: MedicalSymptom, name: Numb hands, specialty: [Neurologic]}\n"
    return _front("Numb hands", "symptom", 15, care, extra + about) + body


def _page(title: str, kind: str, headings: tuple[str, ...] = ()) -> str:
    body = _paragraph(40, 1) + "".join(f"\n## {heading}\n\n{_paragraph(40, 2)}" for heading in headings)
    about = "about: {schema_type: MedicalCondition, name: " + title + "}\n" if kind == "condition" else ""
    care = "care:\n  urgent: [you notice urgent sign number 1 over a few days]\n" if kind == "condition" else ""
    return _front(title, kind, 2, care, about) + body


def home_page() -> str:
    care = "care:\n  emergency:\n    - you notice emergency sign number 1 together with a second thing\n"
    return _front("Reader test site", "hub", 2, care) + _paragraph(30, 1) + _paragraph(20, 2)


def make_reader_project(target: Path) -> Path:
    """A project folder: this fixture's site.yml and content, the sample fixture's warning signs, and the
    repository's templates and static files."""
    _counter[0] = 0  # the same text whichever test builds first
    content = target / "content"
    pages = {
        "index.md": home_page(),
        "numb/index.md": symptom_page(),
        "numb/emergency.md": _page("Emergency signs", "guide", ("Signs of a stroke", "After an injury")),
        "numb/temporary.md": _page("Temporary causes", "guide", ("Pressure and position", "Cold")),
        "conditions/wrist.md": _page("Squeezed nerve at the wrist", "condition", ("Symptoms",)),
        "conditions/elbow.md": _page("Squeezed nerve at the elbow", "condition", ("Symptoms",)),
    }
    for relative, text in pages.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "site.yml").write_text(SITE_YML, encoding="utf-8")
    shutil.copytree(FIXTURE / "rules", target / "rules")
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, target / folder)
    return target

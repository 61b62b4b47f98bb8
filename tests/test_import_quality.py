"""Issue 17: headings in any form, boilerplate in any spelling, saved web pages, scored on the evaluation set."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sitegen.importer.boilerplate import classify
from tests.sample_site import REPO, clean_env


def _load_benchmark() -> ModuleType:
    """benchmarks/ is a folder of scripts, not a package: the scorer is loaded from its file."""
    spec = importlib.util.spec_from_file_location("import_quality", REPO / "benchmarks" / "import_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


quality = _load_benchmark()
CASES: Path = quality.CASES
evaluate, input_of, score = quality.evaluate, quality.input_of, quality.score

TEXT_CASES = sorted(p.name for p in CASES.iterdir() if input_of(p).suffix in (".txt", ".md"))
PAGE_CASES = sorted(p.name for p in CASES.iterdir() if input_of(p).suffix in (".html", ".htm"))


def run_import(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), "import", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=60, check=False)


def test_the_evaluation_covers_every_style() -> None:
    assert len(TEXT_CASES) + len(PAGE_CASES) >= 15
    assert {input_of(CASES / c).suffix for c in TEXT_CASES + PAGE_CASES} == {".txt", ".md", ".html", ".htm"}


@pytest.mark.parametrize("case", TEXT_CASES)
def test_text_case_scores_full_marks(case: str) -> None:
    result = evaluate(CASES / case)
    assert result.full_marks, result


def test_saved_pages_score_full_marks_through_the_cli(tmp_path: Path) -> None:
    sources = [input_of(CASES / case) for case in PAGE_CASES]
    result = run_import(*sources, "--out", tmp_path / "out", "--report", tmp_path / "report.json")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(report["sources"]) == len(PAGE_CASES)
    for case, source in zip(PAGE_CASES, report["sources"], strict=True):
        (article,) = source["articles"]
        single = {"sources": [source]}
        scored = score(CASES / case, Path(article).read_text(encoding="utf-8"), single)
        assert scored.full_marks, scored
    assert "boilerplate" in result.stderr
    # Every decision about a page names its line in the .html file, not in the extracted text.
    page = PAGE_CASES.index("h05_boilerplate_in_page")
    decisions = [(d["action"], d["line"]) for d in report["sources"][page]["decisions"]]
    assert decisions == [("removed", 3), ("kept", 5), ("removed", 7), ("removed", 8), ("removed", 9), ("removed", 10)]


@pytest.mark.parametrize(
    "line",
    [
        "Share your symptoms with your GP if the tingling keeps coming back.",
        "Related: numbness in both feet can mean nerve damage",
        "Back pain that spreads to the arm can come from a trapped nerve in the neck.",
        "Sign up to learn how numbness can be a sign of diabetes",
    ],
)
def test_lines_carrying_health_information_are_never_boilerplate(line: str) -> None:
    verdict = classify(line)
    assert verdict.kept or not verdict.reason


def test_a_furniture_line_that_states_something_about_health_is_kept_and_reported(tmp_path: Path) -> None:
    assert classify("Related: numbness in both feet can mean nerve damage").kept
    assert classify("Related: Why do my toes tingle? | Cold hands in winter").reason
    source = tmp_path / "scraped.txt"
    source.write_text(
        "Numb feet\nNumb feet can have many causes, and most of them are not serious at all.\n"
        "Related: numbness in both feet can mean nerve damage\nTags: feet, nerves\n",
        encoding="utf-8",
    )
    result = run_import(source, "--out", tmp_path / "out", "--report", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    (article,) = (tmp_path / "out").iterdir()
    assert "Related: numbness in both feet can mean nerve damage" in article.read_text(encoding="utf-8")
    assert "Tags:" not in article.read_text(encoding="utf-8")
    assert result.stderr.strip().endswith(
        "removed 1 (1 boilerplate); 0 similar pairs kept both; 1 line that looks like page furniture kept "
        "for health information"
    )
    decisions = json.loads((tmp_path / "r.json").read_text())["sources"][0]["decisions"]
    assert [(d["action"], d["rule"], d["line"]) for d in decisions] == [
        ("kept", "health guard", 3),
        ("removed", "boilerplate", 4),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<html><head><meta charset="klingon-8"></head><body><p>Hi</p></body></html>', "unknown character set"),
        (b'<html><head><meta charset="utf-8"></head><body><p>caf\xe9</p></body></html>', "is not valid utf-8"),
        (b"<html><body><p>caf\xe9</p></body></html>", "declares no character set"),
        (b"<html><body><nav>Home</nav></body></html>", "has no article text"),
    ],
    ids=["unknown-charset", "wrong-charset", "no-charset", "no-article"],
)
def test_bad_pages_are_one_line_and_nothing_is_written(tmp_path: Path, content: bytes, message: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    result = run_import(page, "--out", tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{page}:") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_page_with_an_xml_declaration_imports(tmp_path: Path) -> None:
    page = tmp_path / "page.xhtml.htm"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html><body><article><h1>Numb thumb</h1>'
        "<p>A numb thumb after gardening usually gets better within a day or two of rest.</p></article></body></html>",
        encoding="utf-8",
    )
    result = run_import(page, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    (article,) = (tmp_path / "out").iterdir()
    assert article.name == "numb-thumb.md"
    assert article.read_text(encoding="utf-8").endswith(
        "\n\nA numb thumb after gardening usually gets better within a day or two of rest.\n"
    )


# Page furniture in many spellings: each is recognised by what it is, and none carries health information.
FURNITURE = [
    "Share on Facebook | Share on X | Email",
    "Click to share on WhatsApp (Opens in new window)",
    "Share this:",
    "SHARE • TWEET • PIN",
    "Follow us on Instagram, TikTok and YouTube",
    "👍 👎",
    "★★★★☆",
    "Was this page helpful? Yes No",
    "Did you find this article useful? 👍 Yes 👎 No",
    "How helpful was this information?",
    "Yes / No",
    "Thank you for your feedback!",
    "Sign up for our free newsletter",
    "Get health tips straight to your inbox – subscribe today",
    "Join up for weekly email updates",
    "Tags: carpal tunnel, wrists, nerves",
    "Tagged with: numbness | tingling",
    "Related: Why do my toes tingle? | Cold hands in winter",
    "Read more: 10 surprising causes of tingling",
    "Sponsored: Save 20% on ergonomic keyboards",
    "Advertisement",
    "Paid partnership – Brought to you by ComfyDesk",
    "Back to top",
    "↑ Back to top",
    "Scroll to top of page ⬆",
    "Home > Conditions > Hands",
    "Home / Health A-Z / Numb hands",
    "You are here: Health A-Z › Nerves › Numb fingers",
    "Skip to main content",
    "Menu Search Log in",
    "We use cookies to improve your experience on our website.",
    "This site uses cookies. By continuing to browse you consent to their use.",
    "Accept all | Reject all | Manage preferences",
    "Got it",
    "© 2025 Example Health Media. All rights reserved.",
]
# Article text that shares words with furniture: never removed.
ARTICLE_TEXT = [
    "Share your symptoms with your GP if the tingling keeps coming back.",
    "Back pain that spreads to the arm can come from a trapped nerve in the neck.",
    "Email your GP practice if you cannot get through on the phone.",
    "Print out the exercise sheet and keep it by your desk.",
    "Home remedies such as rest and gentle stretches often help.",
    "Blood sugar > 11 > see a GP",
    "Is a wrist splint useful?",
    "Cookies and sweets can raise your blood sugar quickly.",
    "Tagging along to appointments with a friend can help you remember what was said.",
    "Related conditions include cubital tunnel syndrome and ulnar nerve entrapment.",
    "Yes, most people recover fully.",
    "Top tips for typing without pain",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_page_furniture_is_recognised_in_any_spelling(line: str) -> None:
    verdict = classify(line)
    assert verdict.reason and not verdict.kept


@pytest.mark.parametrize("line", ARTICLE_TEXT)
def test_article_text_is_not_furniture(line: str) -> None:
    assert classify(line).reason == ""

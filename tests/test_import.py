"""`python build.py import`: fixtures in many messy styles, the real source, bad inputs and options."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sample_site import REPO, clean_env
from tests.test_dedupe import misspelt, paragraphs

CASES = Path(__file__).parent / "fixtures" / "import"
EVALUATION = "evaluation"  # scored by tests/test_import_quality.py, not compared with expected output


def run_import(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), "import", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=60, check=False)


def files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def body(article: str) -> str:
    return article.split("\n---\n", 1)[1]


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.name != EVALUATION))
def test_fixture_imports_to_expected_markdown(tmp_path: Path, case: str) -> None:
    folder = CASES / case
    args = (folder / "args.txt").read_text().split() if (folder / "args.txt").exists() else []
    result = run_import(folder / "input.txt", "--out", tmp_path / "out", *args)
    assert result.returncode == 0, result.stderr
    assert files(tmp_path / "out") == files(folder / "expected")
    assert result.stderr.startswith("Imported 1 source into ")


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.name != EVALUATION))
def test_importing_the_output_again_removes_nothing(tmp_path: Path, case: str) -> None:
    for article in sorted((CASES / case / "expected").iterdir()):
        out = tmp_path / article.stem
        result = run_import(article, "--out", out, "--report", tmp_path / f"{article.stem}.json")
        assert result.returncode == 0, result.stderr
        report = json.loads((tmp_path / f"{article.stem}.json").read_text())
        removed = [d for d in report["sources"][0]["decisions"] if d["action"] != "kept both"]
        assert removed == []
        (again,) = out.iterdir()
        assert body(again.read_text()) == body(article.read_text())


# The source's unique paragraphs, listed by hand from shared/source/hand-numbness-scraped.txt:
# 18 lines hold 3 intro paragraphs, 2 section headings, 2 sub-headings and 5 body paragraphs once each.
UNIQUE_SOURCE_UNITS = [
    "One of the common phenomena is numbness in the hands, this feeling occurs because our nerve roots are being "
    "impacted and compressed. Maybe you have just worked too hard or sat still for too long, so you feel numb in "
    "your hands.",
    "Normally, we will feel numbness in the tips of our fingers, like ants are crawling on them or needles are "
    "stabbing the tips of our fingers. Then, the numbness gradually spreads to the whole hand or even the arm.",
    "If you occasionally feel numbness in your hands, it is just a normal phenomenon, after resting and relaxing a "
    "bit, that feeling will not bother us anymore. However, we should not ignore it if this condition occurs "
    "frequently. This can be a symptom of some serious diseases.",
    "## Causes of temporary hand numbness",
    "Most people have hand numbness due to mechanical factors, they do not affect our health but only slightly "
    "disrupt your life and activities.",
    "Usually, the main reason for hand numbness is that you exercise vigorously, exercise for a long time, work in "
    "the wrong posture or due to side effects of medication, vitamin deficiency, etc. Some examples include: holding "
    "a pen incorrectly, leaning on your hand for too long or wearing accessories on your hand too tightly, etc. This "
    "compresses the nerve roots, blood cannot circulate normally and leads to hand numbness.",
    "## Diseases that cause numbness in hands",
    "### Herniated disc disease",
    "Cervical disc herniation occurs when the nucleus pulposus inside the disc sheath leaks out, pressing on the "
    "nerve roots, causing pain. Most patients with disc herniation experience numbness in their hands.",
    "Therefore, if you experience persistent numbness in your hands, you are likely to have disc herniation. If "
    "this disease is not treated, it will directly affect the patient’s ability to move.",
    "### Spinal degeneration",
    "Our spine is very susceptible to degeneration, becoming weaker if the vertebrae frequently rub against the "
    "nerves. When sick, all movements of the patient become more difficult, daily life and work change a lot.",
]


def test_real_source_gives_each_unique_paragraph_exactly_once(tmp_path: Path) -> None:
    result = run_import(
        REPO / "sources" / "hand-numbness.txt", "--out", tmp_path, "--report", tmp_path.parent / "r.json"
    )
    assert result.returncode == 0, result.stderr
    (article,) = tmp_path.iterdir()
    blocks = body(article.read_text()).strip().split("\n\n")
    assert blocks == UNIQUE_SOURCE_UNITS
    assert "\\n" not in article.read_text() and "\\u" not in article.read_text()
    report = json.loads((tmp_path.parent / "r.json").read_text())
    removed = [(d["rule"], d["line"], d["duplicate_of_line"]) for d in report["sources"][0]["decisions"]]
    assert removed == [
        ("section", 12, 7),
        ("section", 12, 7),
        ("section", 13, 8),
        ("section", 15, 10),
        ("section", 15, 10),
        ("exact", 18, 10),
    ]
    assert result.stderr.strip() == (
        "Imported 1 source into 1 article: kept 12 units, removed 6 (1 exact, 5 section); 0 similar pairs kept both"
    )


def test_split_gives_the_four_topics(tmp_path: Path) -> None:
    result = run_import(REPO / "sources" / "hand-numbness.txt", "--out", tmp_path, "--split")
    assert result.returncode == 0, result.stderr
    titles = {path.name: path.read_text().splitlines()[1] for path in tmp_path.iterdir()}
    assert titles == {
        "hand-numbness.md": 'title: "Hand numbness"',
        "causes-of-temporary-hand-numbness.md": 'title: "Causes of temporary hand numbness"',
        "herniated-disc-disease.md": 'title: "Herniated disc disease"',
        "spinal-degeneration.md": 'title: "Spinal degeneration"',
    }
    for path in tmp_path.iterdir():
        assert "status: draft" in path.read_text()
        assert "sha256: 41644db3c46c2798ad44260552803f7c816cfd1281e82c587d8701baec850905" in path.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist (check the file name and folder)"),
        (b"", "is empty (import a file that holds the article's text)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not valid UTF-8 at byte 0"),
        ("caf\xe9".encode("latin-1"), "is not valid UTF-8 at byte 3"),
        (b"text with a \x00 byte", "contains a NUL byte"),
        (b"x" * 2_000_001, "is too large (2000001 bytes, limit 2000000)"),
    ],
    ids=["missing", "empty", "binary", "latin-1", "nul", "too-large"],
)
def test_bad_sources_are_one_line_each_and_nothing_is_written(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    source = tmp_path / "raw.txt"
    if content is not None:
        source.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A good source with one paragraph that is long enough to be an article body.\n")
    result = run_import(good, source, "--out", tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and message in lines[0] and lines[0].startswith(str(source))
    assert lines[1] == "Stopped: 1 problem to fix; nothing was written."
    assert not (tmp_path / "out").exists()


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    out.write_text("not a folder")
    result = run_import(CASES / "title_line" / "input.txt", "--out", out)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{out}: --out: is a file, not a folder (choose a folder such as content/)"
    assert out.read_text() == "not a folder"


def test_existing_articles_are_kept_unless_forced(tmp_path: Path) -> None:
    source = CASES / "title_line" / "input.txt"
    existing = tmp_path / "numbness-after-sleeping-on-your-arm.md"
    existing.write_text("my edits")
    result = run_import(source, "--out", tmp_path)
    assert result.returncode == 1
    assert "already exists (use --force to overwrite it" in result.stderr
    assert existing.read_text() == "my edits"
    assert run_import(source, "--out", tmp_path, "--force").returncode == 0
    assert existing.read_text().startswith("---\ntitle:")


def test_dry_run_writes_nothing_and_report_goes_elsewhere(tmp_path: Path) -> None:
    source = CASES / "renumbered_section" / "input.txt"
    result = run_import(source, "--out", tmp_path / "out", "--dry-run", "--report", tmp_path / "report.json")
    assert result.returncode == 0
    assert not (tmp_path / "out").exists()
    assert "would write" in result.stdout and "removed input.txt:11 (section): Ice or heat" in result.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    decision = report["sources"][0]["decisions"][0]
    assert decision == {
        "action": "removed",
        "rule": "section",
        "line": 11,
        "text": "Ice or heat",
        "duplicate_of_line": 3,
        "kept_text": "Ice or heat",
        "similarity": 1.0,
        "reason": "section 'Ice or heat' repeats the one on line 3",
    }
    inside = run_import(source, "--out", tmp_path / "out", "--report", tmp_path / "out" / "r.json")
    assert inside.returncode == 2
    assert "--report must be outside the articles folder" in inside.stderr


def test_imported_drafts_do_not_break_the_build_until_built_as_drafts(project: Path) -> None:
    from tests.sample_site import run_build

    assert run_import(REPO / "sources" / "hand-numbness.txt", "--out", project / "content", "--split").returncode == 0
    assert run_build(project).returncode == 0
    drafts = run_build(project, "--drafts")
    assert drafts.returncode == 1
    assert "content/spinal-degeneration.md:2: summary: is required (add a line 'summary: ...')" in drafts.stderr


# --- fuzzing the importer (hypothesis) -------------------------------------------------------------------------
# In-process through the real CLI entry point (a subprocess per example would be too slow). CI runs a bounded
# number of examples; for a longer run: IMPORT_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_import.py -k fuzz
FUZZ_EXAMPLES = int(os.environ.get("IMPORT_FUZZ_EXAMPLES", "25"))


def import_in_process(source: Path, out: Path, report: Path) -> tuple[int, str]:
    from sitegen.cli import main

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", str(source), "--out", str(out), "--report", str(report)])
    return code, stderr.getvalue()


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_fuzz_any_bytes_import_without_a_traceback(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "scraped.txt"
        source.write_bytes(raw)
        code, stderr = import_in_process(source, Path(folder) / "out", Path(folder) / "report.json")
    # An exception would escape main() and fail the test; what it prints is one line per problem.
    assert code in (0, 1), stderr
    assert "Traceback" not in stderr
    if code == 1:
        *problems, stopped = stderr.splitlines()
        assert stopped == "Stopped: 1 problem to fix; nothing was written."
        assert len(problems) == 1 and problems[0].startswith(str(source))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_every_unique_paragraph_survives_and_real_words_are_never_merged(data: st.DataObject) -> None:
    # Originals may differ from each other in one or two real words ("garden" / "harden"); copies are exact,
    # re-cased, re-punctuated or carry a keyboard slip that makes a non-word.
    originals = data.draw(paragraphs(data.draw(st.integers(2, 6))))
    lines = list(originals)
    for _ in range(data.draw(st.integers(0, 5))):
        source = data.draw(st.sampled_from(originals))
        slip = misspelt(source, data.draw(st.integers()))
        copy = data.draw(st.sampled_from([source, source.upper(), source.rstrip(".") + "!", slip]))
        lines.insert(data.draw(st.integers(len(originals), len(lines))), copy)
    with tempfile.TemporaryDirectory() as folder:
        source_file, out = Path(folder) / "scraped.txt", Path(folder) / "out"
        source_file.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        code, stderr = import_in_process(source_file, out, Path(folder) / "report.json")
        assert code == 0, stderr
        (article,) = out.iterdir()
        assert body(article.read_text(encoding="utf-8")).strip().split("\n\n") == originals

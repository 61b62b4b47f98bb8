"""The eight mistakes the editors' review made in a new page, one at a time, each in the clean fixture site: `check`
must give one message for one mistake, root cause first, saying where, what is wrong and what to do in plain words.
Each test asserts the exact first line and its fix, and that nothing else is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_check import page, project, run_check

PAGE = "content/wrist-pain.md"
# The fixture's index and guide pages link to the wrist page; when it cannot load, the first message says so once
# instead of reporting their links as broken.
LINKED = ". Note: content/index.md and 1 other page link to this page; those links work again once this page loads"
LONGER = (
    "Resting the wrist and keeping it warm can ease the ache while it heals, and most people who rest it for a "
    "few days and keep it warm at night find that the ache has gone by the end of the week or the one after.[^b]"
)
MISTAKES = [
    (
        "misspelt key",
        ("summary:", "sumary:"),
        "content/wrist-pain.md:5: error FM001: sumary: unknown field",
        "did you mean 'summary'?" + LINKED.removeprefix("."),
    ),
    (
        "date in the wrong format",
        ("last_reviewed: 2024-06-01", "last_reviewed: 25/11/2024"),
        "content/wrist-pain.md:16: error FM001: last_reviewed: '25/11/2024' is not a valid date (YYYY-MM-DD)",
        "write it as 2024-11-25 (year-month-day)" + LINKED,
    ),
    (
        "source cited but not listed",
        ("of gentle use.[^a]", "of gentle use.[^nice-cts]"),
        "content/wrist-pain.md:26: error SRC001: [^nice-cts] cites a source that is not listed under sources",
        "did you mean [^a], the listed source that nothing cites? Otherwise add a source with id: nice-cts",
    ),
    (
        "link to a page that does not exist",
        ("[seeing a doctor](../guides/seeing-a-doctor/)", "[seeing a doctor](/guides/seeing-a-docter/)"),
        "content/wrist-pain.md:31:59: error LNK001: links to /guides/seeing-a-docter/, which is not a page on this "
        "site",
        "did you mean /guides/seeing-a-doctor/?",
    ),
    (
        "sentence of 45 words",
        ("Resting the wrist and keeping it warm can ease the ache while it heals.[^b]", LONGER),
        'content/wrist-pain.md:27:1: error READ003: has a sentence of 46 words (at most 30): "Resting the wrist and '
        'keeping it warm can ease the ache whi…"',
        "split it into two or more sentences",
    ),
    (
        "raw script tag",
        ("## What helps\n", "## What helps\n\n<script>alert(1)</script>\n"),
        "content/wrist-pain.md:26:1: error HTML001: contains a <script> tag, which is not allowed in articles",
        "remove it; use Markdown for formatting",
    ),
    (
        "tab in the front matter",
        ("  non_urgent: [keeps-coming-back]", "\tnon_urgent: [keeps-coming-back]"),
        "content/wrist-pain.md:11: error FM001: this line is indented with a tab",
        "use spaces to indent, not the Tab key" + LINKED,
    ),
    (
        "file saved as Latin-1",
        ("gentle use", "gentle caf\u00e9 use"),
        "content/wrist-pain.md:26: error FM001: is not valid UTF-8 at byte 997: a character was saved in another "
        'text format (shown as �): "Wrist pain often gets better by itself within a few weeks of gentle c…"',
        "save the file as UTF-8 (in most editors: Save As, then choose UTF-8), or type the character again" + LINKED,
    ),
]


@pytest.mark.parametrize(("mistake", "edit", "first_line", "fix"), MISTAKES, ids=[case[0] for case in MISTAKES])
def test_each_mistake_gets_one_message_root_cause_first(
    tmp_path: Path, mistake: str, edit: tuple[str, str], first_line: str, fix: str
) -> None:
    site = project(tmp_path)
    path = site / PAGE
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    changed = text.replace(edit[0], edit[1], 1)
    path.write_bytes(changed.encode("latin-1" if "Latin-1" in mistake else "utf-8"))
    result = run_check(site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [first_line, f"    how to fix: {fix}", "Checked 3 files: 1 error, 0 warnings."]


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("03/04/2024", "write it as 2024-04-03 (year-month-day) if you mean 3 April 2024"),
        ("2024-6-1", "write it as 2024-06-01 (two digits for the month and the day)"),
        ("31/02/2024", "write the year, month and day with hyphens, e.g. 2025-01-31"),
        ("2024-02-30", "there is no such day: check the month (01 to 12) and the day"),
        ("last June", "write the year, month and day with hyphens, e.g. 2025-01-31"),
    ],
)
def test_a_date_fix_says_which_date_it_read_or_gives_an_example(tmp_path: Path, written: str, fix: str) -> None:
    site = project(tmp_path)
    path = site / PAGE
    path.write_text(path.read_text().replace("last_reviewed: 2024-06-01", f"last_reviewed: {written}"))
    assert run_check(site).stdout.splitlines()[1] == f"    how to fix: {fix}{LINKED}"


def test_a_misspelt_field_inside_a_list_entry_is_one_message_too(tmp_path: Path) -> None:
    site = project(tmp_path)
    path = site / PAGE
    path.write_text(path.read_text().replace("credentials: MBBS", "credentails: MBBS"))
    lines = run_check(site).stdout.splitlines()
    assert lines[0] == "content/wrist-pain.md:13: error FM001: credentails of the 1st reviewer: unknown field"
    assert lines[-1] == "Checked 3 files: 1 error, 0 warnings."


def test_two_wrong_markers_are_not_guessed_at(tmp_path: Path) -> None:
    """The uncited source is only offered when one marker is wrong: with two, either could have meant it."""
    site = project(tmp_path)
    path = site / PAGE
    text = path.read_text().replace("use.[^a]", "use.[^nice]").replace("heals.[^b]", "heals.[^other]")
    path.write_text(text)
    lines = run_check(site).stdout.splitlines()
    assert [line.split(": error ")[1].split(":")[0] for line in lines if ": error " in line] == [
        "SRC002",
        "SRC002",
        "SRC001",
        "SRC001",
    ]


def test_read002_names_the_longest_sentences_and_the_long_words(tmp_path: Path) -> None:
    site = project(tmp_path)
    body = (
        "Numbness in the fingers usually improves when you change position.[^a] "
        "Pressure on a nerve is a common reason for numbness.[^b] "
        * 5
        + "A doctor can examine your hands and arms carefully. Medicines sometimes cause tingling as a side effect."
    )
    (site / "content" / "case.md").write_text(page(body))
    lines = run_check(site).stdout.splitlines()
    hint = lines[lines.index(next(line for line in lines if "READ002" in line)) + 1]
    assert hint.startswith(
        '    how to fix: shorten or split these sentences first: "Numbness in the fingers usually improves…" '
        '(10 words), "'
    ), hint
    assert "; then swap long words for everyday ones where you can, such as " in hint

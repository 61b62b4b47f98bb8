"""`python build.py check`: every code has a case that triggers it, with its exact location and message; the
clean fixture site reports nothing; the github and json formats parse back; --changed-since and file
arguments limit per-file checks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.check.codes import CODES
from tests.sample_site import REPO, clean_env

CLEAN_SITE = REPO / "tests" / "fixtures" / "check_site"
SOURCES = [
    '  - {id: a, title: Source A, publisher: NHS, url: "https://www.nhs.uk/a/", accessed: 2024-05-01, kind: review}',
    '  - {id: b, title: Source B, publisher: NHS, url: "https://www.nhs.uk/b/", accessed: 2024-05-01, kind: review}',
]
# Line numbers in a case page: front matter lines 1-16, body from line 18.
FRONT = [
    "---",
    "title: Case page",
    "type: policy",
    "status: published",
    "summary: A page used by the check tests; each case changes it in one way to trigger one code.",
    "topics: [hands]",
    "authors: [{name: Editorial team, role: Health writers}]",
    "reviewers: [{name: Sample Reviewer, credentials: MBBS, role: General practitioner, conflicts: none}]",
    "clinical_review: complete",
    "date_published: 2024-06-01",
    "last_reviewed: 2024-06-01",
    "next_review_due: 2027-06-01",
    "sources:",
    *SOURCES,
    "---",
]
BODY = "Hands can ache after a long day of typing.[^a] Short breaks help them recover.[^b]"
HARD = (
    "Consequently, individuals experiencing persistent paraesthesia should undergo comprehensive neurological "
    "evaluation.[^a] Electrodiagnostic investigations characterise peripheral neuropathy. "
    "Additionally, inflammatory conditions necessitate immunological investigation.[^b] "
)


def page(body: str = BODY, **changes: str) -> str:
    lines = list(FRONT)
    for index, line in enumerate(lines):
        key = line.split(":", 1)[0]
        if key in changes:
            lines[index] = changes[key]
    return "\n".join(lines) + "\n\n" + body + "\n"


def project(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(CLEAN_SITE, target)
    shutil.copy(REPO / "rules" / "misleading-claims.yml", target / "rules")  # the repository's own list
    return target


def run_check(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), "check", "--config", str(site / "site.yml"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=clean_env(), timeout=120, check=False)


def test_clean_site_reports_nothing(tmp_path: Path) -> None:
    site = project(tmp_path)
    before = sorted(path.relative_to(site) for path in site.rglob("*"))
    result = run_check(site)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "Checked 3 files: no problems.\n"
    assert result.stderr == ""
    assert sorted(path.relative_to(site) for path in site.rglob("*")) == before, "check must write nothing"


CASES: list[tuple[str, str, str]] = [
    # (code, the case page, the line `check` must print for it)
    ("FM001", page(type="type: guidee"), "content/case.md:3: error FM001: type: 'guidee' is not allowed"),
    ("FM002", page(BODY + "\n\nTODO: finish the page."), "content/case.md:20:1: error FM002: still has placeholder"),
    (
        "DUP001",
        page(BODY + "\n\n" + BODY),
        "content/case.md:20: error DUP001: duplicates: repeats line 18 (same text after normalising case, spacing",
    ),
    (
        "LNK001",
        page(BODY + " See [gone](/no-such-page/)."),
        "content/case.md:18:95: error LNK001: links to /no-such-page/, which is not a page on this site",
    ),
    (
        "LNK002",
        page(BODY + " See [this](/wrist-pain/#nowhere)."),
        "content/case.md:18:95: error LNK002: links to #nowhere, which is not a section of /wrist-pain/",
    ),
    (
        "LNK003",
        page(topics="topics: [hands]\nrelated: [no-such-page]").replace("\n---\n\n", "\n---\n", 1),
        "content/case.md:7: error LNK003: related: 'no-such-page' is not the slug of any page",
    ),
    (
        "LNK004",
        page(title="title: Case page\nslug: wrist-pain").replace("\n---\n\n", "\n---\n", 1),
        "content/wrist-pain.md:1: error LNK004: slug: has the same slug as content/case.md",
    ),
    (
        "IMG001",
        page(BODY + "\n\n![A splint](/img/missing.png)"),
        "content/case.md:20:13: error IMG001: shows the image /img/missing.png, which is not in static/",
    ),
    (
        "IMG002",
        page(BODY + "\n\n![](/img/splint.svg)"),
        "content/case.md:20:1: error IMG002: has an image without alt text (/img/splint.svg)",
    ),
    (
        "SRC001",
        page(BODY + " And more.[^c]"),
        "content/case.md:18: error SRC001: [^c] cites a source that is not listed under sources",
    ),
    (
        "SRC002",
        page(BODY.replace("[^b]", "")),
        "content/case.md:13: error SRC002: sources: 'b' is listed but never cited",
    ),
    (
        "SRC003",
        page().replace("https://www.nhs.uk/b/", "http://www.nhs.uk/b/"),
        "content/case.md:15: error SRC003: url of the 2nd source: 'http://www.nhs.uk/b/' is an http: address",
    ),
    (
        "REV001",
        page(next_review_due="next_review_due: 2025-01-31"),
        "content/case.md:12: error REV001: next_review_due: was 2025-01-31: this page is overdue for review",
    ),
    (
        "REV002",
        page(next_review_due="next_review_due: 2025-03-20"),
        "content/case.md:12: warning REV002: next_review_due: is 2025-03-20, within 30 days",
    ),
    (
        "REV003",
        page(reviewers="audience: patient", clinical_review="clinical_review: pending"),
        "content/case.md:9: warning REV003: clinical_review: is pending: no clinician has signed this page off yet",
    ),
    ("READ001", page(HARD * 4), "content/case.md:18: error READ001: is too hard to read (SMOG"),
    (
        "READ002",
        page(
            "Numbness in the fingers usually improves when you change position.[^a] "
            "Pressure on a nerve is a common reason for numbness.[^b] "
            * 5
            + "A doctor can examine your hands and arms carefully. "
            "Medicines sometimes cause tingling as a side effect."
        ),
        "content/case.md:18: warning READ002: is harder to read than our target (SMOG",
    ),
    (
        "READ003",
        page(BODY + " " + " ".join(["word"] * 33) + " end."),
        'content/case.md:18:84: error READ003: has a sentence of 34 words (at most 30): "word word word',
    ),
    (
        "CLAIM001",
        page(BODY + "\n\nIf it lasts, you probably have a disc herniation."),
        "content/case.md:20:18: error CLAIM001: says 'probably have a disc herniation': persistent numbness",
    ),
    (
        "CARE001",
        page(
            type="type: guide", topics="topics: [hands]\ncare: {emergency: [sudden-weakness], urgent: [getting-weaker]}"
        ).replace("\n---\n\n", "\n---\n", 1),
        "content/case.md:7: error CARE001: care.non_urgent: is missing: every guide page needs the non-urgent (see",
    ),
    (
        "TRIAGE001",
        page(topics="topics: [hands]\ncare: {emergency: [getting-weaker]}").replace("\n---\n\n", "\n---\n", 1),
        "content/case.md:7: error TRIAGE001: the 1st sign in care.emergency: 'getting-weaker' is urgent in "
        "rules/red-flags.yml, but is listed under emergency",
    ),
    (
        "TRIAGE002",
        page(BODY + "\n\nIf your arm is getting weaker, see a GP when you can."),
        "content/case.md:20: error TRIAGE002: gives 'getting-weaker' non-urgent advice, but rules/red-flags.yml "
        "makes it urgent",
    ),
    (
        "HTML001",
        page(BODY + "\n\n<script>alert(1)</script>"),
        "content/case.md:20:1: error HTML001: contains a <script> tag, which is not allowed in articles",
    ),
    (
        "PHONE001",
        page(BODY + "\n\nIn an emergency call 999 straight away."),
        "content/case.md:20:22: error PHONE001: contains the phone number '999'",
    ),
    (
        "ESC001",
        page(BODY + "\n\nIt\\u2019s common."),
        "content/case.md:20: error ESC001: contains the leftover escape '\\u2019'",
    ),
    (
        "TEXT001",
        page(BODY + "\n\nRest your hands\u202e for a week."),
        "content/case.md:20:16: error TEXT001: contains U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character",
    ),
]


@pytest.mark.parametrize(("code", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_code_is_reported_where_it_happens(tmp_path: Path, code: str, text: str, expected: str) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(text)
    result = run_check(site)
    output = result.stdout.splitlines()
    found = [index for index, line in enumerate(output) if f" {code}: " in line]
    assert len(found) == 1, result.stdout
    assert output[found[0]].startswith(expected), result.stdout
    assert output[found[0] + 1].startswith("    how to fix: ")
    errors = "error" in expected.split(code)[0]
    assert result.returncode == (1 if errors else 0), result.stdout
    assert result.stderr == ""


def test_near_duplicate_across_pages_is_a_warning(tmp_path: Path) -> None:
    site = project(tmp_path)
    copied = (
        "Wrist pain often gets better by itself within a few weeks of gentle use.[^a]\n"
        "Resting the wrist and keeping it warm can ease the ache while it heals.[^b]"
    )
    (site / "content" / "case.md").write_text(page(copied))
    result = run_check(site)
    expected = "content/wrist-pain.md:26: warning DUP002: duplicates: paragraph also appears in content/case.md:18"
    assert expected in result.stdout
    assert result.returncode == 0


def test_site_settings_problem(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "site.yml").write_text((site / "site.yml").read_text().replace("language: en-GB", "language: English"))
    result = run_check(site)
    assert result.stdout.startswith("site.yml:4: error SITE001: language: 'English' is not in the expected form")
    assert result.returncode == 1


def test_a_setting_turns_pending_review_into_an_error(tmp_path: Path) -> None:
    site = project(tmp_path)
    with (site / "site.yml").open("a") as settings:
        settings.write("require_clinical_review: true\n")
    (site / "content" / "case.md").write_text(
        page(reviewers="audience: patient", clinical_review="clinical_review: pending")
    )
    result = run_check(site)
    assert "content/case.md:9: error REV003: clinical_review: is pending" in result.stdout
    assert result.returncode == 1


def test_readability_waiver_turns_the_error_into_a_warning(tmp_path: Path) -> None:
    site = project(tmp_path)
    waiver = "next_review_due: 2027-06-01\nreadability_waiver: {reason: Needed terms, approved_by: Sample Reviewer}"
    (site / "content" / "case.md").write_text(page(HARD * 4, next_review_due=waiver).replace("\n---\n\n", "\n---\n", 1))
    result = run_check(site)
    assert "warning READ001:" in result.stdout and "error READ001:" not in result.stdout
    assert result.returncode == 0


def test_every_code_is_tested_and_explained_for_editors() -> None:
    tested = {case[0] for case in CASES} | {"DUP002", "SITE001", "SRC004"} | {"MOVE001", "MOVE002", "MOVE003", "REV004"}
    assert tested == set(CODES)
    guide = (REPO / "CONTRIBUTING.md").read_text()
    for code in CODES:
        assert re.search(rf"^\| `{code}` \|", guide, re.M), f"CONTRIBUTING.md does not explain {code}"


def test_github_format_parses_back_into_annotations(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(BODY + " See [gone](/no-such-page/), 100% sure."))
    result = run_check(site, "--format", "github")
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    match = re.fullmatch(r"::(error|warning) ([^:]*)::(.*)", annotations[0])
    assert match is not None
    properties = dict(item.split("=", 1) for item in match.group(2).split(","))
    assert properties == {
        "file": "content/case.md",
        "line": "18",
        "col": "95",
        "title": "LNK001 link to a page that does not exist",
    }
    assert match.group(1) == "error"
    assert match.group(3).startswith("links to /no-such-page/, which is not a page on this site. How to fix: ")


def test_github_format_escapes_what_would_break_a_command(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(BODY + "\n\n100% <script>x</script>"))
    annotation = next(line for line in run_check(site, "--format", "github").stdout.splitlines() if "HTML001" in line)
    assert "\n" not in annotation and "%" not in annotation.replace("%25", "").replace("%3A", "").replace("%2C", "")


def test_json_format_parses_back(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(BODY + "\n\nCall 999."))
    result = run_check(site, "--format", "json")
    data = json.loads(result.stdout)
    assert (data["files"], data["errors"], data["warnings"]) == (4, 1, 0)
    assert data["problems"] == [
        {
            "code": "PHONE001",
            "severity": "error",
            "path": "content/case.md",
            "line": 20,
            "column": 6,
            "field": "",
            "message": "contains the phone number '999'",
            "hint": "phone numbers come from site.yml and appear in the care cards; describe the service instead",
        }
    ]


def test_file_arguments_limit_per_file_checks_but_keep_site_wide_ones(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(BODY + "\n\nCall 999. See [gone](/no-such-page/)."))
    other = run_check(site, str(site / "content" / "wrist-pain.md"))
    assert "PHONE001" not in other.stdout and "LNK001" in other.stdout
    own = run_check(site, str(site / "content" / "case.md"))
    assert "PHONE001" in own.stdout


def git(repo: Path, *args: str) -> str:
    env = clean_env(GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="Test")
    env["GIT_COMMITTER_EMAIL"] = "t@example.org"
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout


def test_changed_since_limits_per_file_checks_to_changed_files(tmp_path: Path) -> None:
    site = project(tmp_path)
    old_body = "Cold weather can make stiff fingers feel worse.[^a] Gloves help.[^b]\n\nCall 999."
    (site / "content" / "old.md").write_text(page(old_body, title="title: Old page"))
    git(site, "init", "-q", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "first")
    (site / "content" / "case.md").write_text(page(BODY + "\n\nCall 111. See [gone](/nowhere/)."))
    result = run_check(site, "--changed-since", "main")
    assert "content/case.md:20:6: error PHONE001" in result.stdout
    assert "content/old.md" not in result.stdout  # its problem is in a file the change did not touch
    assert "LNK001" in result.stdout
    everything = run_check(site)
    assert "content/old.md:20:6: error PHONE001" in everything.stdout
    bad_ref = run_check(site, "--changed-since", "no-such-branch")
    assert bad_ref.returncode == 2
    assert bad_ref.stderr.strip().endswith("--changed-since: 'no-such-branch' is not a commit git can find here")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("See a GP if:\n\n- your arm is getting weaker\n- it aches", ["content/case.md:22: error TRIAGE002"]),
        ("| Sign | What to do |\n|---|---|\n| Your arm is getting weaker | See a GP |", ["content/case.md:22: error"]),
        ("If you suddenly feel weak, ask for an urgent appointment today.", ["content/case.md:20: error TRIAGE002"]),
        ("If your arm is getting weaker, ask for an urgent GP appointment today.", []),
        ("If you suddenly feel weak, call for an ambulance. If your arm is getting weaker, act today.", []),
        ("Your arm may be getting weaker. Most aches settle.", []),  # a sign with no advice says nothing to check
        ("See a GP if:\n\n- it aches\n\nYour arm is getting weaker at times.", []),  # the list has ended
    ],
    ids=["list lead-in", "table row", "emergency as urgent", "same", "both right", "no advice", "after a list"],
)
def test_triage_reads_sentences_list_items_and_table_rows(tmp_path: Path, body: str, expected: list[str]) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(BODY + "\n\n" + body))
    result = run_check(site)
    found = [line for line in result.stdout.splitlines() if " TRIAGE002: " in line]
    assert len(found) == len(expected), result.stdout
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start), result.stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("text: the ache keeps coming back", "text: the ache keeps coming back and your arm is getting weaker"),
            "rules/red-flags.yml:12: error SITE001: keeps-coming-back: its text also describes 'getting-weaker', "
            "which is urgent",
        ),
        (("id: keeps-coming-back", "id: getting-weaker"), "rules/red-flags.yml:12: error SITE001: sign 3.id: "),
        (("urgency: non_urgent", "urgency: soon"), "rules/red-flags.yml:13: error SITE001: sign 3.urgency: 'soon'"),
        (
            ("match: []", "match: ['(unclosed']"),
            "rules/red-flags.yml:15: error SITE001: the 1st pattern in sign 3.match: is not a",
        ),
    ],
    ids=["contradiction", "duplicate id", "unknown urgency", "bad pattern"],
)
def test_red_flags_file_mistakes_stop_check_and_build(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    site = project(tmp_path)
    flags = site / "rules" / "red-flags.yml"
    assert change[0] in flags.read_text()
    flags.write_text(flags.read_text().replace(change[0], change[1]))
    result = run_check(site)
    assert result.returncode == 1
    assert result.stdout.startswith(expected), result.stdout
    build = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--no-search", "--config", str(site / "site.yml")],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert build.stderr.startswith(expected.replace(" error SITE001:", "")), build.stderr


def test_without_a_red_flags_file_every_card_is_plain_words(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "rules" / "red-flags.yml").unlink()
    result = run_check(site)
    assert result.returncode == 1
    expected = (
        "content/wrist-pain.md:9: error TRIAGE001: the 1st sign in care.emergency: 'sudden-weakness' is not a sign in"
    )
    assert expected in result.stdout
    assert "how to fix: write the sign in words" in result.stdout
    # one message per mistake: six unknown signs, and no card reported missing because of them
    assert result.stdout.count(" error TRIAGE001: ") == 6 and "CARE001" not in result.stdout


INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff"


def test_every_invisible_character_is_an_error_at_its_line_and_column(tmp_path: Path) -> None:
    site = project(tmp_path)
    body_lines = [f"Rest the hand{char}s for a day.[^a][^b]" for char in INVISIBLE]  # column 14 each
    body = "\n\n".join(
        [
            "## Ice\u200b or heat",  # a heading: line 18, column 7
            *body_lines,  # lines 20, 22, ...
            "```\nlet dose = 1; \u202e// 10\n```",  # code too (Trojan Source): column 15
            "A health worker 👩\u200d⚕️ and a family 👨\u200d👩\u200d👧 can help.",  # emoji joiners are spelling
        ]
    )
    text = page(body, title="title: Case \u2067page")  # title: line 2, column 13
    (site / "content" / "case.md").write_bytes(b"\xef\xbb\xbf" + text.encode())  # a leading BOM is fine
    result = run_check(site, "--format", "json")
    found = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "TEXT001"]
    code_line = 20 + 2 * len(INVISIBLE) + 1
    expected = [(2, 13, "title"), (18, 7, "")]
    expected += [(20 + 2 * index, 14, "") for index in range(len(INVISIBLE))] + [(code_line, 15, "")]
    assert [(p["line"], p["column"], p["field"]) for p in found] == expected
    assert all(p["severity"] == "error" for p in found)
    assert found[1]["message"].startswith("the heading contains U+200B ZERO WIDTH SPACE")
    for problem, char in zip(found[2:], INVISIBLE, strict=False):
        assert problem["message"].startswith(f"contains U+{ord(char):04X} ")
    assert result.returncode == 1


def test_invisible_characters_do_not_reach_a_clean_page(tmp_path: Path) -> None:
    site = project(tmp_path)
    (site / "content" / "case.md").write_text(page(BODY + "\n\nA nurse 👩\u200d⚕️ can help.\n"), encoding="utf-8")
    result = run_check(site)
    assert "TEXT001" not in result.stdout


def test_github_format_gives_a_pending_review_as_a_notice_not_a_warning(tmp_path: Path) -> None:
    """GitHub shows 10 warnings per step: an expected pending review must not use them up."""
    site = project(tmp_path)
    pending = page(BODY + " See [gone](/no-such-page/)?", reviewers="audience: patient")
    (site / "content" / "case.md").write_text(pending.replace("clinical_review: complete", "clinical_review: pending"))
    lines = run_check(site, "--format", "github").stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines if line.startswith("::")] == ["::error", "::notice"]
    assert next(line for line in lines if "REV003" in line).endswith(
        "How to fix: ask a clinical reviewer to check the page, then add reviewers and set clinical_review: complete."
    )


def test_did_you_mean_is_the_same_among_many_pages_and_stays_quick() -> None:
    """A broken link's "did you mean" is looked for among every page's address: with difflib alone each took
    0.6 s among 500 pages, so `check` on a large site with many broken links ran for hours."""
    import difflib
    import random
    import time

    from sitegen.read.fields import suggestion

    rng = random.Random(7)
    words = ["numb", "hands", "tingling", "carpal", "tunnel", "neck", "pain", "wrist", "nerve", "disc", "spine"]
    known = sorted({"/" + "-".join(rng.sample(words, rng.randint(1, 4))) + f"-{n}/" for n in range(3000)})
    wanted = [rng.choice(known).replace("a", "e", 1)[: rng.randint(5, 30)] for _ in range(300)]
    started = time.perf_counter()
    found = [suggestion(value, known) for value in wanted]
    assert time.perf_counter() - started < 30  # about a second; difflib alone takes many minutes here
    assert sum(1 for answer in found if answer) > 100 and sum(1 for answer in found if not answer) > 0
    for value, answer in list(zip(wanted, found, strict=True))[:40]:
        close = difflib.get_close_matches(value.casefold(), [k.casefold() for k in known], n=1, cutoff=0.6)
        assert answer == (close[0] if close else ""), value

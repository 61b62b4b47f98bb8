"""The duplicate guard and leftover-escape check inside the build, on real files through the real CLI."""

from __future__ import annotations

import re
from pathlib import Path

from tests.sample_site import FIXTURE, run_build

PARAGRAPH = "Most people find that the tingling in their fingers settles within a few weeks of starting the exercises."


def add_article(project: Path, name: str, body: str, title: str = "Extra page") -> None:
    template = (FIXTURE / "content" / "guides" / "seeing-a-doctor.md").read_text(encoding="utf-8")
    text = template.replace("title: Seeing a doctor", f"title: {title}")
    (project / "content" / f"{name}.md").write_text(text.rstrip("\n") + "\n\n" + body + "\n", encoding="utf-8")


def test_repeat_inside_an_article_is_an_error_naming_both_lines(project: Path) -> None:
    add_article(project, "repeats", f"{PARAGRAPH}\n\nSomething else entirely, said once.\n\n{PARAGRAPH.lower()}")
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/repeats.md:22: duplicates: repeats line 18 (same text after normalising case, spacing and "
        "punctuation) (delete one of the two copies, or reword one if both are needed)"
    )
    assert not (project / "_site").exists()


def test_meaning_variants_inside_an_article_are_not_errors(project: Path) -> None:
    left = "Raise your left arm above your head and hold it there for ten seconds before lowering it."
    add_article(project, "both-sides", f"{left}\n\n{left.replace('left', 'right')}")
    assert run_build(project).returncode == 0


def test_near_duplicate_across_articles_is_a_warning_until_allowed(project: Path) -> None:
    add_article(project, "first", PARAGRAPH, "First extra page")
    add_article(project, "second", PARAGRAPH.replace("tingling", "tinglng"), "Second extra page")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if "duplicates" in line]
    match = re.fullmatch(
        r"content/second\.md:18: warning: duplicates: paragraph also appears in content/first\.md:18 "
        r"\(similarity (0\.99|1\.00)\) \(reword or remove one; if both are intended, add ([0-9a-f]{12}) to "
        r"duplicate_allowlist in site\.yml\)",
        warning,
    )
    assert match, warning
    with (project / "site.yml").open("a") as settings:
        settings.write(f"duplicate_allowlist: [{match.group(2)}]\n")
    again = run_build(project)
    assert again.returncode == 0
    assert "duplicates" not in again.stderr


def test_leftover_escapes_are_errors(project: Path) -> None:
    add_article(project, "escaped", "The patient\\u2019s hand.\\nNext line.\n\nA patientu2019s arm &amp; shoulder.")
    result = run_build(project)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/escaped.md:18: contains the leftover escape '\\u2019'")
    assert lines[1].startswith("content/escaped.md:20: contains the leftover escape 'u2019'")
    assert "(replace it with the character it stands for" in lines[0]


def test_escapes_inside_code_are_fine(project: Path) -> None:
    add_article(project, "code", "Type `C:\\new\\table` or:\n\n```\nprint('a\\nb')\n```")
    assert run_build(project).returncode == 0


def test_a_paragraph_contained_in_a_longer_one_is_an_error(project: Path) -> None:
    whole = f"Carpal tunnel syndrome squeezes a nerve at the wrist. {PARAGRAPH} Many people feel better soon."
    add_article(project, "contained", f"{PARAGRAPH}\n\nA different paragraph in between.\n\n{whole}")
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(
        "content/contained.md:18: duplicates: repeats line 22 (every sentence also appears in a fuller paragraph)"
    )

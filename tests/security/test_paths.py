"""Security guide section 8, cases 29-32: path-like slugs, colliding URLs, file names and symlinks."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tests.security.harness import Case, page

SLUGS = ["../../x", "/abs", "..", "a/../../b", "%2e%2e%2f", "../_site-evil/x"]


def test_29_path_like_slugs_are_errors_and_nothing_escapes(case: Case) -> None:
    for number, slug in enumerate(SLUGS):
        case.write(f"content/slug-{number}.md", page(title=f"title: Case page\nslug: '{slug}'"))
    case.write("content/permalink.md", page(title="title: Case page\npermalink: ../../x"))
    case.build().error(
        "content/permalink.md:3: permalink: unknown field",
        *(
            f"content/slug-{number}.md:3: slug: '{slug}' is not in the expected form"
            for number, slug in enumerate(SLUGS)
        ),
    )
    assert not (case.root / "_site-evil").exists() and not (case.project / "_site-evil").exists()
    assert not (case.root / "x").exists() and not (case.root / "b").exists()


def test_30_same_slug_twice_names_both_files(case: Case) -> None:
    case.write("content/first.md", page(title="title: Case page\nslug: shared"))
    case.write("content/second.md", page(title="title: Case page\nslug: shared"))
    problems = case.build().error("content/second.md:3: slug: has the same slug as content/first.md")
    assert len(problems) == 1, problems


def test_30_names_equal_after_case_folding_or_normalising_name_both_files(case: Case) -> None:
    nfc = unicodedata.normalize("NFC", "Übersicht")
    nfd = unicodedata.normalize("NFD", "Übersicht")
    assert nfc != nfd
    case.write(f"content/{nfc}.md", page())
    case.write(f"content/{nfd}.md", page())
    case.write("content/Wrist.md", page())
    case.write("content/wrist.md", page())
    problems = case.build().error()
    for name in (nfc, nfd, "Wrist"):  # each named (a collision naming both, or an unsafe name each)
        assert any(line.startswith(f"content/{name}.md") for line in problems), (name, problems)


def test_31_unsafe_file_names_are_rejected(case: Case) -> None:
    names = ["with space", "hash#tag", "what?", "per%cent", "-leading", "CON", "é" * 123]
    assert len(("é" * 123 + ".md").encode()) == 249
    for name in names:
        case.write(f"content/{name}.md", page())
    problems = case.build().error()
    for name in names:
        assert any(line.startswith(f"content/{name}.md") for line in problems), (name, problems)


def test_31_a_control_character_in_a_file_name_cannot_break_the_one_line_report(case: Case) -> None:
    case.write("content/new\nline.md", page())
    (problem,) = case.build().error()  # today the name is printed raw: two lines, the second a forged "line.md"
    assert problem.startswith("content/new")
    check = case.check()
    assert not any(line.startswith("line.md") for line in check.stdout.splitlines()), check.stdout


def test_31_hidden_and_non_markdown_files_are_reported_with_the_others_in_one_run(case: Case) -> None:
    case.write("content/.x.md", page())
    case.write("content/notes.txt", "notes")
    case.write("content/with space.md", page())
    problems = case.build().error()
    for name in (".x.md", "notes.txt", "with space.md"):
        assert any(line.startswith(f"content/{name}") for line in problems), (name, problems)


def test_31_safe_names_give_ascii_urls_that_pass_the_link_checker(clean: Case) -> None:
    clean.write("content/guides/carpal-tunnel-2.md", page(title="title: Carpal tunnel"))
    clean.write(
        "content/case.md",
        page().replace("Short breaks", "Read [carpal tunnel](/guides/carpal-tunnel-2/). Short breaks"),
    )
    clean.build().built()
    urls = re.findall(r"<loc>([^<]+)</loc>", (clean.site / "sitemap.xml").read_text(encoding="utf-8"))
    assert "https://health.example/guides/carpal-tunnel-2/" in urls
    assert all(re.fullmatch(r"https://health\.example/[a-z0-9/-]*", url) for url in urls), urls
    clean.check().checked(0)


def _outside_dir(case: Case) -> Path:
    outside = case.root / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("OUTSIDE-SECRET", encoding="utf-8")
    return outside


def test_32_symlinks_in_content_are_refused(case: Case) -> None:
    outside = _outside_dir(case)
    (case.content / "passwd.md").symlink_to("/etc/passwd")
    (case.content / "folder").symlink_to(outside)
    (case.content / "loop.md").symlink_to(case.content / "loop.md")
    (case.content / "dangling.md").symlink_to(case.content / "missing.md")
    case.build().error(
        "content/dangling.md: is a symbolic link",
        "content/folder: is a symbolic link",
        "content/loop.md: is a symbolic link",
        "content/passwd.md: is a symbolic link",
    )
    for page_file in case.site.rglob("*"):
        if page_file.is_file():
            data = page_file.read_bytes()
            assert b"OUTSIDE-SECRET" not in data and b"root:x:0:0" not in data

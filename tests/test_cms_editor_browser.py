"""End to end: the form editor at /admin/ in Debian's chromium, with decap-server (the editor's local backend from
npm) on a temporary git copy of the sample site. Every save goes to its own branch (the editorial workflow that
opens a pull request on GitHub); the test reads what the form wrote on that branch and runs the real `check`."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from sitegen.read.slugs import slugify
from tests.chromium import needs_chromium
from tests.cms_site import CmsSite, git, make_cms_project, needs_decap_server, serve_cms
from tests.sample_site import REPO, clean_env
from tests.waiting import wait_until

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not needs_decap_server(), reason="run `npm ci` first (decap-server from package-lock.json)"),
]

# A page in the layout the form writes (field order of the form, block lists), so that changing one field in the
# form changes one line of the file.
EXISTING = """---
title: Washing your hands
type: policy
status: published
summary: A sample page in the form's own layout, so an edit in the form changes only the edited line.
audience: patient
topics:
  - hands
authors:
  - name: Editorial team
    role: Health writers
clinical_review: pending
date_published: 2025-01-10
last_reviewed: 2025-01-10
next_review_due: 2026-01-10
sources:
  - id: a
    title: Source A
    publisher: NHS
    url: https://www.nhs.uk/a/
    accessed: 2025-01-10
    kind: guideline
  - id: b
    title: Source B
    publisher: NHS
    url: https://www.nhs.uk/b/
    accessed: 2025-01-10
    kind: guideline
---
Wash your hands with soap.[^a] Dry them well.[^b]
"""


@pytest.fixture(scope="module")
def cms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CmsSite]:
    project = make_cms_project(tmp_path_factory.mktemp("cms") / "project", {"washing-hands.md": EXISTING})
    with serve_cms(project) as site:
        yield site


@pytest.fixture
def editor(browser: Browser, cms: CmsSite) -> Iterator[Page]:
    """The editor, logged in to the local backend. Fails the test if anything breaks the editor's policy or
    reaches another origin."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Security Policy" in message.text else None)
    outside: list[str] = []
    context.on("request", lambda request: outside.append(request.url) if _elsewhere(request.url, cms) else None)
    page.goto(cms.admin())
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Site pages").first.wait_for()
    yield page
    context.close()
    assert violations == []
    assert outside == []


def _elsewhere(url: str, cms: CmsSite) -> bool:
    return not url.startswith((cms.origin + "/", "blob:", "data:", "about:"))


def field(page: Page, name: str, index: int = 0) -> str:
    return f"[id^='{name}-field-'] >> nth={index}"


def choose(page: Page, name: str, value: str, index: int = 0) -> None:
    """A select in the form (react-select): type the option, press Enter."""
    page.locator(field(page, name, index)).fill(value)
    page.keyboard.press("Enter")


def saved_file(cms: CmsSite, branch: str, path: str, before: str = "") -> str:
    """The file as the form committed it on its own branch (one branch per entry: cms/<collection>/<slug>), once
    it differs from `before` (the branch starts from main, then the save is committed on it)."""
    shown: list[str] = []

    def committed() -> bool:
        try:
            shown.append(git(cms.project, "show", f"{branch}:{path}"))
        except subprocess.CalledProcessError:
            return False
        return shown[-1] != before

    wait_until(committed, f"{path} on the branch {branch}")
    return shown[-1]


def run_check(cms: CmsSite, tmp_path: Path, relative: str, text: str) -> subprocess.CompletedProcess[str]:
    """The real `check` on a copy of the project with the saved file in place."""
    copy = tmp_path / "checked"
    shutil.copytree(cms.project, copy, ignore=shutil.ignore_patterns(".git", "_site"))
    (copy / "content" / relative).write_text(text, encoding="utf-8")
    command = [
        sys.executable,
        str(REPO / "build.py"),
        "check",
        f"content/{relative}",
        "--config",
        str(copy / "site.yml"),
    ]
    return subprocess.run(command, capture_output=True, text=True, env=clean_env(), cwd=copy, check=False, timeout=120)


def save(page: Page) -> None:
    page.get_by_role("button", name="Save").first.click()


def test_a_page_created_in_the_form_passes_check(editor: Page, cms: CmsSite, tmp_path: Path) -> None:
    editor.goto(cms.admin() + "#/collections/pages/new")
    editor.locator(field(editor, "title")).fill("Keeping warm")
    choose(editor, "type", "policy")
    editor.locator(field(editor, "summary")).fill("How this sample site says to keep your hands warm in cold weather.")
    choose(editor, "topics", "hands")
    editor.locator(field(editor, "date_published")).fill("2025-02-20")
    editor.locator(field(editor, "last_reviewed")).fill("2025-02-20")
    editor.locator(field(editor, "next_review_due")).fill("2026-02-20")
    for index, source_id in enumerate(("a", "b")):
        editor.get_by_role("button", name="Add sources").click()
        editor.locator(field(editor, "id", index)).fill(source_id)
        editor.locator(field(editor, "title", index + 1)).fill(f"Source {source_id.upper()}")
        choose(editor, "publisher", "NHS", index)
        editor.locator(field(editor, "url", index)).fill(f"https://www.nhs.uk/{source_id}/")
        editor.locator(field(editor, "accessed", index)).fill("2025-02-20")
        choose(editor, "kind", "guideline", index)
    editor.locator(".cms-editor-raw [contenteditable='true']").fill("Wear gloves outside.[^a] Keep moving.[^b]")
    save(editor)
    name = slugify("Keeping warm")  # the file name `build.py new` would give the same title
    text = saved_file(cms, f"cms/pages/{name}", f"content/{name}.md")
    assert "\nstatus: draft\n" in text
    result = run_check(cms, tmp_path, f"{name}.md", text)
    assert result.returncode == 0, result.stdout + result.stderr


def test_editing_one_field_changes_only_that_line(editor: Page, cms: CmsSite) -> None:
    editor.goto(cms.admin() + "#/collections/pages/entries/washing-hands")
    summary = editor.locator(field(editor, "summary"))
    expect(summary).to_have_value(
        "A sample page in the form's own layout, so an edit in the form changes only the edited line."
    )  # the page has loaded into the form
    summary.fill("A sample page in the form's own layout, so that an edit in the form changes one line only.")
    save(editor)
    edited = saved_file(cms, "cms/pages/washing-hands", "content/washing-hands.md", EXISTING)
    removed = [line for line in difflib.ndiff(EXISTING.splitlines(), edited.splitlines()) if line.startswith("- ")]
    added = [line for line in difflib.ndiff(EXISTING.splitlines(), edited.splitlines()) if line.startswith("+ ")]
    assert removed == [
        "- summary: A sample page in the form's own layout, so an edit in the form changes only the edited line."
    ]
    # The form folds long lines at 80 characters: the new summary may take two lines, and nothing else changes.
    assert added[0].startswith("+ summary: ") and all(line.startswith("+   ") for line in added[1:]), added
    old, new = (yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---")) for text in (EXISTING, edited))
    assert (
        new.pop("summary")
        == "A sample page in the form's own layout, so that an edit in the form changes one line only."
    )
    old.pop("summary")
    assert new == old


def test_the_form_refuses_to_save_without_a_required_field(editor: Page, cms: CmsSite) -> None:
    editor.goto(cms.admin() + "#/collections/pages/new")
    editor.locator(field(editor, "title")).fill("No summary yet")
    choose(editor, "type", "policy")
    save(editor)
    editor.get_by_text("Summary is required.").wait_for()
    editor.get_by_text("Oops, you've missed a required field. Please complete before saving.").wait_for()
    assert "no-summary-yet" not in git(cms.project, "branch", "--list")


def test_the_preview_shows_the_page_as_readers_see_it(editor: Page, cms: CmsSite) -> None:
    editor.goto(cms.admin() + "#/collections/pages/entries/numb-hands")
    preview = editor.frame_locator("iframe").first
    # A sign's id in rules/red-flags.yml is shown in that file's words, in the site's own card.
    expect(preview.locator(".care-card.care-emergency li").first).to_have_text(
        "you suddenly feel weak on one side of your body"
    )
    expect(preview.locator(".care-card.care-emergency h3")).to_contain_text("Call 999 now if")
    expect(preview.locator("sup.cite a").first).to_have_text("1")
    expect(preview.locator(".sources li").first).to_contain_text("NHS. Pins and needles.")
    expect(preview.locator("link[rel=stylesheet][href^='/assets/css/site.']")).to_have_count(1)
    # The site's stylesheet is applied: the emergency card has the site's colours, not the browser's default.
    heading = preview.locator(".care-card.care-emergency h3")
    assert heading.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    # Text from the page is shown as text: its <script> and onclick are not markup in the preview.
    expect(preview.locator(".body")).to_contain_text('<script>alert("x")</script>')
    expect(preview.locator(".body script, .body [onclick]")).to_have_count(0)

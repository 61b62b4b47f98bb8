"""An editor's pull request, walked end to end: a fixture site in a git repository, a clean clone, an edit with
content errors on a branch, then the pull-request workflow's content job run step by step as GitHub would run it
(tests/workflow_steps.py). It must leave annotations on the edited file, a preview zip that opens by
double-clicking index.html, and a job summary, and only its last step may fail. The developers' job is skipped for
an edit to content alone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.chromium import needs_chromium
from tests.sample_site import FIXED_EPOCH, REPO, make_project
from tests.workflow_steps import JobRunner, StepResult, load_workflow

WORKFLOW = REPO / ".github" / "workflows" / "pull-request.yml"
EDITED = "content/neck-pain.md"
# Two content errors that do not stop the build: a sentence of 35 words and a link to a page that does not exist.
LONG_SENTENCE = (
    "When the numbness in your fingers comes back again and again over many weeks and months, even after you have "
    "rested your arm and changed the way you sit at work, it is worth asking a doctor about it."
)
EDIT = f"\n{LONG_SENTENCE}\n\nSee [the missing page](/no-such-page/) for more.\n"


def git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_DATE": "2025-02-20T12:00:00Z", "GIT_COMMITTER_DATE": "2025-02-20T12:00:00Z"}
    command = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True, timeout=60, env=env)
    return done.stdout


def repository(root: Path) -> Path:
    """The project as maintainers keep it on GitHub: the generator, the workflows and the fixture site on main."""
    origin = make_project(root / "origin")
    for name in ("build.py", "pyproject.toml", "netlify.toml"):
        shutil.copy2(REPO / name, origin / name)
    for folder in ("sitegen", ".github"):
        shutil.copytree(REPO / folder, origin / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (origin / ".gitignore").write_text("/_site/\n__pycache__/\n")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "The site")
    return origin


def pull_request(root: Path, origin: Path, edit: dict[str, str]) -> Path:
    """A clean clone with one commit on a branch: what actions/checkout leaves for a pull request."""
    git(root, "clone", "-q", str(origin), "clone")
    clone = root / "clone"
    git(clone, "checkout", "-q", "-b", "edit")
    for path, text in edit.items():
        with (clone / path).open("a", encoding="utf-8") as file:
            file.write(text)
    git(clone, "commit", "-q", "-am", "An edit")
    return clone


CONTEXT = {"github.base_ref": "main", "github.event.pull_request.number": "7"}
INSTALL = "python -m pip install -e ."
IMPORTABLE = "python -c 'import sitegen, sys; sys.exit(not sitegen.__file__.startswith(\"'\"$PWD\"'\"))'"


def run_job(clone: Path, job: str) -> JobRunner:
    workflow = load_workflow(WORKFLOW)
    workflow["env"]["SOURCE_DATE_EPOCH"] = FIXED_EPOCH  # the fixture's review dates are relative to this day
    workflow["env"]["NETLIFY_SITE"] = "example-preview"
    runner = JobRunner(workflow, job, clone, CONTEXT)
    install = next(step for step in workflow["jobs"][job]["steps"] if step.get("name") == "Install")
    assert install["run"] == INSTALL
    # The install needs PyPI; this interpreter already has every dependency, and `python build.py` imports the
    # clone's own sitegen/ (checked below), so the stand-in only proves the clone is importable.
    runner.run({"Install": IMPORTABLE})
    return runner


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> JobRunner:
    root = tmp_path_factory.mktemp("pr")
    clone = pull_request(root, repository(root), {EDITED: EDIT})
    return run_job(clone, "content")


def step(runner: JobRunner, name_start: str) -> StepResult:
    return next(result for result in runner.order if result.name.startswith(name_start))


def test_every_step_runs_in_order_and_only_the_last_one_fails(walked: JobRunner) -> None:
    outcomes = [(result.name.split(" (")[0], result.ran, result.outcome) for result in walked.order]
    assert all(ran for _, ran, _ in outcomes), outcomes
    assert step(walked, "Install").outcome == "success"
    assert step(walked, "Check the content").outcome == "failure"  # content errors...
    assert step(walked, "Build the preview").outcome == "success", step(walked, "Build the preview").stderr
    assert step(walked, "Upload the preview").outcome == "success"
    assert step(walked, "Write the job summary").outcome == "success", step(walked, "Write the job summary").stderr
    last = walked.order[-1]
    assert last.name.startswith("Fail if") and last.outcome == "failure"  # ...fail the job only at the end
    assert [r.conclusion for r in walked.order[:-1]] == ["success"] * (len(walked.order) - 1)


def test_the_edited_lines_get_annotations(walked: JobRunner) -> None:
    annotations = step(walked, "Check the content").stdout.splitlines()
    mine = [line for line in annotations if line.startswith("::error file=content/neck-pain.md,")]
    assert any("title=READ003" in line for line in mine), annotations
    assert any("LNK001" in line and "/no-such-page/" in line for line in mine), annotations
    assert not any("file=content/numb-hands.md" in line for line in annotations), "an unchanged page's problems"


def test_the_preview_zip_holds_the_changed_page_with_relative_links(walked: JobRunner) -> None:
    preview = walked.artifacts / "site-preview"
    page = (preview / "neck-pain" / "index.html").read_text(encoding="utf-8")
    assert "the missing page" in page and 'href="../index.html"' in page
    assert 'href="https://deploy-preview-7--example-preview.netlify.app/neck-pain/"' in page  # canonical


def test_the_summary_links_each_changed_page_and_lists_its_problems_by_field(walked: JobRunner) -> None:
    summary = walked.summary.read_text(encoding="utf-8")
    link = "[`/neck-pain/`](https://deploy-preview-7--example-preview.netlify.app/neck-pain/)"
    assert f"| {link} | `content/neck-pain.md` | `neck-pain/index.html` |" in summary
    assert "site preview zip](file://" in summary  # the uploaded artifact's address
    rows = [line for line in summary.splitlines() if line.startswith("| `content/")]
    assert rows and all(row.startswith("| `content/neck-pain.md:") for row in rows), rows
    assert rows[0].split(" | ")[2].startswith("**error**"), "errors come first"
    assert any("READ003" in row for row in rows)


@needs_chromium
def test_the_preview_opens_by_double_clicking_index_html(browser: Browser, walked: JobRunner) -> None:
    page = browser.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((walked.artifacts / "site-preview" / "index.html").as_uri())
    page.click("main a[href='neck-pain/index.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("/site-preview/neck-pain/index.html")
    assert page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet !== null)")
    assert "the missing page" in page.inner_text("main")
    assert failed == []
    page.close()


def test_a_content_only_change_skips_the_developers_job(walked: JobRunner) -> None:
    changes = run_paths_step(walked.workdir)
    assert changes == "false"


def test_a_code_change_runs_the_developers_job(tmp_path: Path) -> None:
    origin = repository(tmp_path)
    clone = pull_request(tmp_path, origin, {"sitegen/read/urls.py": "\n# a code change\n"})
    assert run_paths_step(clone) == "true"


def run_paths_step(clone: Path) -> str:
    runner = JobRunner(load_workflow(WORKFLOW), "changes", clone, CONTEXT)
    (result,) = [r for r in runner.run() if r.name.startswith("List the changed files")]
    assert result.outcome == "success", result.stderr
    return result.outputs["code"]

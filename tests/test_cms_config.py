"""The form (admin/config.yml, from sitegen/render/cms_config.py) against the content model `check` enforces
(sitegen/read/schema.py), field by field. Each comparison asks the real schema reader: which fields it knows
(its "allowed:" hint for an unknown field), which it requires ("is required"), which values it allows ("use one
of:"), so a field added to the schema without the form (or the other way round) fails here."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.errors import Problem
from sitegen.model import SiteConfig
from sitegen.read.config import load_config
from sitegen.read.schema import FIELDS, read_front_matter
from sitegen.read.yaml_tree import Mapping, parse
from sitegen.render.cms_config import admin_outputs, cms_config, content_folders, front_matter_fields
from sitegen.render.security_policy import ADMIN_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY, headers_file
from tests.sample_site import FIXTURE, REPO, make_project, run_build

TODAY = dt.date(2025, 3, 1)
DATES = {"date_published": "2025-01-10", "last_reviewed": "2025-01-10", "next_review_due": "2026-01-10"}
EXAMPLES = {"url": "https://www.nhs.uk/a/", "sha256": "0" * 64, "src": "/img/x.png", "language": "en-GB"}


@pytest.fixture(scope="module")
def config() -> SiteConfig:
    return load_config(FIXTURE / "site.yml", "site.yml")


@pytest.fixture(scope="module")
def form(config: SiteConfig) -> list[dict[str, Any]]:
    """The fields exactly as the build writes them into config.yml (read back from the YAML)."""
    settings = yaml.safe_load(cms_config(config, [""]))
    fields: list[dict[str, Any]] = settings["collections"][0]["fields"]
    assert fields[-1]["name"] == "body"
    return fields[:-1]


def by_name(fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {field["name"]: field for field in fields}


def example(field: dict[str, Any], index: int = 0) -> Any:
    """A valid value for a form field, filling in what the form requires."""
    name, widget = field["name"], field["widget"]
    if widget == "select":
        option = field["options"][0]
        return [option] if field.get("multiple") else option
    if widget == "datetime":
        return DATES.get(name, "2025-01-10")
    if widget == "boolean":
        return "false"
    if widget == "object":
        return {sub["name"]: example(sub) for sub in field["fields"]}
    if widget == "list":
        count = max(field.get("min", 1), 1)
        if "fields" in field:
            items = [{sub["name"]: example(sub, i) for sub in field["fields"]} for i in range(count)]
            if name == "sources":
                for i, item in enumerate(items):
                    item["id"] = f"source-{i}"
            return items
        return [example(field["field"], i) for i in range(count)]
    if name in EXAMPLES:
        return EXAMPLES[name]
    if name == "summary":
        return "A summary of this sample page, long enough for the schema to accept it."
    if name in ("id", "slug", "item"):
        return f"page-{index}"
    return f"Some {name}"


def front_matter(form: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """Every field the form requires, filled in; `overrides` replace (or, as None, remove) fields."""
    data = {field["name"]: example(field) for field in form if field.get("required", True)}
    data["type"] = "policy"  # the one page type without fields that only some types require
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def problems_for(data: dict[str, Any], config: SiteConfig) -> list[Problem]:
    root = parse(yaml.safe_dump(data, sort_keys=False))
    assert isinstance(root, Mapping)
    problems: list[Problem] = []
    read_front_matter(root, "page.md", config, TODAY, problems)
    return problems


def required_fields(problems: list[Problem]) -> set[str]:
    return {problem.field for problem in problems if problem.message == "is required"}


def test_the_form_has_every_field_of_the_schema_and_no_other(form: list[dict[str, Any]]) -> None:
    names = [field["name"] for field in form]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(FIELDS)


def test_a_page_with_what_the_form_requires_passes_the_schema(form: list[dict[str, Any]], config: SiteConfig) -> None:
    assert problems_for(front_matter(form), config) == []


def test_each_field_the_form_requires_is_required_by_the_schema(form: list[dict[str, Any]], config: SiteConfig) -> None:
    required = [field["name"] for field in form if field.get("required", True)]
    assert required == ["title", "type", "status", "summary", "topics", "authors", "date_published",
                        "last_reviewed", "next_review_due", "sources"]  # fmt: skip
    for name in required:
        problems = problems_for(front_matter(form, **{name: None}), config)
        assert name in required_fields(problems), (name, problems)


def test_the_schema_requires_nothing_else_except_where_the_form_says_so(
    form: list[dict[str, Any]], config: SiteConfig
) -> None:
    """Symptom and condition pages also need about and care (care.emergency on symptom pages): the form cannot
    make a field required for some page types only, so their hints say so and `check` enforces it."""
    fields = by_name(form)
    for page_type, extra in (("condition", {"about", "care"}), ("symptom", {"about", "care"})):
        problems = problems_for(front_matter(form, type=page_type), config)
        assert required_fields(problems) == extra, problems
        for name in extra:
            assert "Required on symptom and condition pages" in fields[name]["hint"]
    care = {"emergency": ["Some sign"]}
    problems = problems_for(front_matter(form, type="symptom", care=care, about=example(fields["about"])), config)
    assert problems == []
    problems = problems_for(front_matter(form, type="symptom", care={"urgent": ["Some sign"]}), config)
    assert "care.emergency" in required_fields(problems)
    assert "Required on symptom pages" in by_name(fields["care"]["fields"])["emergency"]["hint"]


def _allowed(problems: list[Problem]) -> set[str]:
    """The field names the schema reader lists for an unknown field ("allowed: a, b, c")."""
    hints = [problem.hint for problem in problems if problem.message == "unknown field"]
    assert hints, problems
    return set(hints[0].removeprefix("allowed: ").split(", "))


@pytest.mark.parametrize(
    "name", ["about", "care", "authors", "reviewers", "sources", "changes", "readability_waiver", "image",
             "imported_from"]
)  # fmt: skip
def test_the_sub_fields_of_each_group_match(name: str, form: list[dict[str, Any]], config: SiteConfig) -> None:
    field = by_name(form)[name]
    value = example(field)
    entry = value[0] if isinstance(value, list) else value
    entry["zzzzzzzz"] = "x"  # an unknown field: the reader lists the ones it knows
    problems = problems_for(front_matter(form, **{name: value}), config)
    assert _allowed(problems) == {sub["name"] for sub in field["fields"]}


@pytest.mark.parametrize("name", ["authors", "reviewers", "sources", "changes"])
def test_required_sub_fields_of_list_entries_match(name: str, form: list[dict[str, Any]], config: SiteConfig) -> None:
    field = by_name(form)[name]
    for sub in field["fields"]:
        value = example(field)
        value[0].pop(sub["name"])
        extra = {"clinical_review": "complete"} if name == "reviewers" else {}
        problems = problems_for(front_matter(form, **{name: value}, **extra), config)
        missing = {problem.field.split(" of ")[0] for problem in problems if problem.message == "is required"}
        assert (sub["name"] in missing) == sub.get("required", True), (name, sub["name"], problems)


def _choices(problems: list[Problem]) -> set[str]:
    hint = next(problem.hint for problem in problems if "is not allowed" in problem.message)
    return set(re.sub(r".*use one of: ", "", hint).rstrip(")").split(", "))


def test_allowed_values_match(form: list[dict[str, Any]], config: SiteConfig) -> None:
    fields = by_name(form)
    for name in ("type", "status", "audience", "clinical_review"):
        problems = problems_for(front_matter(form, **{name: "zzzzzzzz"}), config)
        assert _choices(problems) == set(fields[name]["options"]), name
    sources = by_name(fields["sources"]["fields"])
    bad_kind = example(fields["sources"])
    bad_kind[0]["kind"] = "zzzzzzzz"
    assert _choices(problems_for(front_matter(form, sources=bad_kind), config)) == set(sources["kind"]["options"])
    about = example(fields["about"])
    about["schema_type"] = "zzzzzzzz"
    problems = problems_for(front_matter(form, about=about), config)
    assert _choices(problems) == set(by_name(fields["about"]["fields"])["schema_type"]["options"])
    topic_problem = problems_for(front_matter(form, topics=["zzzzzzzz"]), config)[0]
    assert set(topic_problem.hint.removeprefix("use one of: ").split(", ")) == set(fields["topics"]["options"])
    assert fields["topics"]["multiple"] is True and fields["topics"]["min"] == 1
    assert sources["publisher"]["options"] == list(config.publishers)
    for publisher in config.publishers:
        value = example(fields["sources"])
        value[0]["publisher"] = publisher
        assert problems_for(front_matter(form, sources=value), config) == []


def test_list_fields_are_lists_in_the_form(form: list[dict[str, Any]]) -> None:
    fields = by_name(form)
    for name in ("aliases", "related", "redirect_from", "authors", "reviewers", "sources", "changes"):
        assert fields[name]["widget"] == "list", name
    assert fields["sources"]["min"] == 2 and fields["authors"]["min"] == 1
    for urgency in ("emergency", "urgent", "non_urgent"):
        assert by_name(fields["care"]["fields"])[urgency]["widget"] == "list"


def test_new_pages_start_as_drafts_in_the_folders_the_site_uses(tmp_path: Path, config: SiteConfig) -> None:
    project = make_project(tmp_path / "project")
    assert content_folders(project / "content") == ["", "guides"]
    settings = yaml.safe_load(cms_config(config, ["", "guides"]))
    assert settings["publish_mode"] == "editorial_workflow"
    folders = [(c["name"], c["folder"], c["slug"], c["extension"]) for c in settings["collections"]]
    assert folders == [("pages", "content", "{{slug}}", "md"), ("guides", "content/guides", "{{slug}}", "md")]
    status = by_name(settings["collections"][0]["fields"])["status"]
    assert status["default"] == "draft"
    assert settings["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}


def test_the_build_writes_the_form_beside_the_vendored_editor(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    result = run_build(project, "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (project / "_site" / "admin").exists()  # a project without admin/ gets no editor
    (project / "admin").mkdir()
    (project / "admin" / "decap-cms.js").write_text("/* the editor */\n")
    result = run_build(project, "--no-search")
    assert result.returncode == 0, result.stderr
    admin = project / "_site" / "admin"
    assert (admin / "decap-cms.js").read_text() == "/* the editor */\n"
    config = load_config(project / "site.yml", "site.yml")
    expected = {output.path: output.data for output in admin_outputs(config, project / "content", "")}
    assert (admin / "config.yml").read_bytes() == expected["admin/config.yml"]
    index = (admin / "index.html").read_text()
    assert 'data-stylesheet="/assets/css/site.' in index and 'data-collections="pages guides"' in index
    for collection in yaml.safe_load((admin / "config.yml").read_text())["collections"]:
        assert collection["fields"][:-1] == yaml.safe_load(yaml.safe_dump(front_matter_fields(config)))


def test_readers_pages_are_unchanged_by_the_editor(tmp_path: Path) -> None:
    """With admin/ the build adds /admin/ and its `_headers` rule, and nothing else: every reader's page, its
    policy and what it loads are byte for byte those of a build without the editor."""
    without = make_project(tmp_path / "without")
    with_editor = make_project(tmp_path / "with")
    (with_editor / "admin").mkdir()
    (with_editor / "admin" / "decap-cms.js").write_text("/* the editor */\n")
    for project in (without, with_editor):
        assert run_build(project, "--no-search").returncode == 0

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    plain, edited = files(without / "_site"), files(with_editor / "_site")
    added = sorted(set(edited) - set(plain))
    assert added and all(path.startswith("admin/") for path in added)
    assert {path: data for path, data in edited.items() if path in plain and path != "_headers"} == {
        path: data for path, data in plain.items() if path != "_headers"
    }
    assert edited["_headers"].startswith(plain["_headers"])  # the readers' rule first and unchanged
    assert b"/admin/*\n" in edited["_headers"][len(plain["_headers"]) :]


def test_the_editor_has_its_own_policy_in_its_page_and_in_the_headers(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "admin").mkdir()
    (project / "admin" / "decap-cms.js").write_text("/* the editor */\n")
    assert run_build(project, "--no-search").returncode == 0
    site = project / "_site"
    meta = re.search(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', (site / "admin/index.html").read_text()
    )
    assert meta is not None and html.unescape(meta.group(1)) == ADMIN_CONTENT_SECURITY_POLICY
    rules = (site / "_headers").read_text().split("\n\n")
    assert rules[0] + "\n" == headers_file()  # the readers' rule, exactly as without the editor
    assert rules[1].splitlines()[:2] == [
        "/admin/*",
        f"  Content-Security-Policy: {ADMIN_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'",
    ]
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


def test_the_vendored_editor_is_the_recorded_npm_release() -> None:
    """scripts/vendor_cms.sh records the SHA-256 of the file it took from npm; a changed file must be re-vendored."""
    digest, pinned = (REPO / "admin" / "decap-cms.sha256").read_text().split()
    assert hashlib.sha256((REPO / "admin" / "decap-cms.js").read_bytes()).hexdigest() == digest
    assert re.fullmatch(r"decap-cms@\d+\.\d+\.\d+", pinned)  # an exact version, never a range
    assert f"decap-cms {pinned.split('@')[1]}".encode() in (REPO / "admin" / "decap-cms.js").read_bytes()

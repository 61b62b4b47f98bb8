"""The form editor at /admin/ (Decap CMS, vendored in admin/): its config.yml, generated from the same content model
that `check` enforces (sitegen/read/schema.py, site.yml, rules/red-flags.yml), and its index.html with the
editor's own Content-Security-Policy. tests/test_cms_config.py compares the form with the schema field by field.

Rules the form cannot express (a field required only for some page types, reviewers required once
clinical_review is complete) are optional in the form, say so in their hint, and are still enforced by `check`.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import yaml

from sitegen.model import URGENCIES, OutputFile, SiteConfig
from sitegen.read.config import SLUG_PATTERN
from sitegen.read.project import ADMIN_DIR
from sitegen.read.schema import (
    AUDIENCES,
    CLINICAL_REVIEW,
    SCHEMA_TYPES,
    SOURCE_KINDS,
    STATUSES,
    TYPES,
)
from sitegen.render.security_policy import ADMIN_CONTENT_SECURITY_POLICY, REFERRER_POLICY

EDITOR_SCRIPT = "decap-cms.js"
PREVIEW_SCRIPT = "preview.js"
Field = dict[str, Any]

_DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
_SLUG = [f"^{SLUG_PATTERN}$", "lower-case letters, digits and single hyphens, e.g. carpal-tunnel-syndrome"]
_MEDICAL = "Required on symptom and condition pages."
_BODY_HINT = "Markdown. Cite a source as [^id]; the preview shows the page as readers will see it."


def _field(name: str, widget: str, required: bool = True, hint: str = "", **extra: Any) -> Field:
    field: Field = {"label": name.replace("_", " ").capitalize(), "name": name, "widget": widget}
    if not required:
        field["required"] = False
    if hint:
        field["hint"] = hint
    field.update(extra)
    return field


def _text(name: str, required: bool = True, hint: str = "", **extra: Any) -> Field:
    return _field(name, "string", required, hint, **extra)


def _date(name: str, required: bool = True, hint: str = "") -> Field:
    return _field(name, "datetime", required, hint, **{k: v for k, v in _DATE.items() if k != "widget"})


def _select(name: str, options: tuple[str, ...], required: bool = True, hint: str = "", **extra: Any) -> Field:
    return _field(name, "select", required, hint, options=list(options), **extra)


def _text_list(name: str, required: bool = False, hint: str = "", item: Field | None = None, **extra: Any) -> Field:
    return _field(name, "list", required, hint, field=item or _text("item"), **extra)


def _object_list(name: str, fields: list[Field], required: bool = False, hint: str = "", **extra: Any) -> Field:
    return _field(name, "list", required, hint, fields=fields, **extra)


def _object(name: str, fields: list[Field], required: bool = False, hint: str = "") -> Field:
    """A group of sub-fields. The form checks the sub-fields of an optional group even when the group is left
    empty, so there they are optional in the form; `check` still requires them once the group is used."""
    if not required:
        fields = [{**sub, "required": False} for sub in fields]
    return _field(name, "object", required, hint, fields=fields, collapsed=not required)


def _refs(name: str) -> Field:
    return _object_list(
        name, [_text("name"), _text("slug", False, "a page on this site, if there is one", pattern=_SLUG)]
    )


def front_matter_fields(config: SiteConfig) -> list[Field]:
    """Every front-matter field `check` reads (schema.FIELDS), in the order editors fill them in."""
    signs = {urgency: [flag.id for flag in config.red_flags if flag.urgency == urgency] for urgency in URGENCIES}
    care = [
        _text_list(
            urgency,
            hint=("Required on symptom pages. " if urgency == "emergency" else "")
            + "Each line: a sign's id from rules/red-flags.yml ("
            + (", ".join(signs[urgency]) or "none listed")
            + "), or the sign in plain words.",
        )
        for urgency in URGENCIES
    ]
    return [
        _text("title", hint="Plain words, at most 65 characters.", pattern=["^.{1,65}$", "at most 65 characters"]),
        _text(
            "medical_name", False, "Shown in brackets after the title.", pattern=["^.{0,80}$", "at most 80 characters"]
        ),
        _text("slug", False, "Only to give the page another web address than its file name.", pattern=_SLUG),
        _select("type", TYPES),
        _select("status", STATUSES, default="draft", hint="New pages start as draft."),
        _text(
            "summary",
            hint="One plain sentence, 50 to 160 characters, without <, *, _, [ or #.",
            pattern=[r"^[^<>*_`\[\]#]{50,160}$", "50 to 160 characters of plain text"],
        ),
        _select("audience", AUDIENCES, False, default="patient"),
        _text(
            "language",
            False,
            "Only if not the site's language, e.g. en-GB.",
            pattern=["^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "a language tag such as en-GB"],
        ),
        _select("topics", tuple(topic.slug for topic in config.topics), multiple=True, min=1),
        _text_list("aliases", hint="Other names readers use; shown as 'Also called' and used by search."),
        _object(
            "about",
            [
                _select("schema_type", SCHEMA_TYPES),
                _text("name"),
                _object_list("codes", [_text("system"), _text("value")]),
                _text_list("specialty"),
                *(_refs(name) for name in ("causes", "symptoms", "treatments", "risk_factors", "tests")),
            ],
            hint=_MEDICAL,
        ),
        _object("care", care, hint=_MEDICAL + " The three care cards, most urgent first."),
        _object_list(
            "authors",
            [_text("name"), _text("role")],
            True,
            min=1,
            default=[{"name": "Editorial team", "role": "Health writers"}],
        ),
        _select(
            "clinical_review",
            CLINICAL_REVIEW,
            False,
            "Set complete only when a clinician has signed the page off.",
            default="pending",
        ),
        _object_list(
            "reviewers",
            [
                _text("name"),
                _text("credentials"),
                _text("role"),
                _text("registration", False),
                _text("conflicts", hint="Conflicts of interest, or none."),
                _date("signed_off", False, "The day they signed the page off."),
            ],
            hint="Required when clinical_review is complete; empty while it is pending.",
        ),
        _date("date_published"),
        _date("last_reviewed"),
        _date("next_review_due", hint="At most 3 years after last_reviewed."),
        _object_list(
            "sources",
            [
                _text("id", hint="The name you cite in the text as [^id].", pattern=_SLUG),
                _text("title"),
                _select(
                    "publisher", config.publishers, hint="To add a publisher, ask an editor to add it to site.yml."
                ),
                _text("url", pattern=[r"^https://[^\s\"'<>]+$", "an https:// address"]),
                _date("accessed", hint="The day you last checked it."),
                _select("kind", SOURCE_KINDS),
                _text("note", False, pattern=["^.{0,300}$", "at most 300 characters"]),
            ],
            True,
            "Every source must be cited in the text as [^id].",
            min=2,
        ),
        _text_list("related", hint="Other pages, by their file name without .md.", item=_text("slug", pattern=_SLUG)),
        _object_list("changes", [_date("date"), _text("summary")], hint="What changed and when, newest last."),
        _object("readability_waiver", [_text("reason"), _text("approved_by")]),
        _object(
            "image",
            [
                _text("src", hint="A path on this site, such as /img/x.png."),
                _text("alt", False, "Required unless the image is decorative."),
                _text("credit", False),
                _field("decorative", "boolean", False),
            ],
        ),
        _object(
            "imported_from",
            [_text("file"), _text("sha256", pattern=["^[0-9a-f]{64}$", "64 hexadecimal digits"])],
            hint="Written by build.py import; leave it as it is.",
        ),
        _text_list("redirect_from", hint="Former addresses of this page, e.g. /old/address/."),
    ]


def content_folders(content_dir: Path) -> list[str]:
    """The folders holding articles, relative to content/ ("" for content/ itself): one form collection each, so a
    new page is created in a folder the site already uses."""
    folders = {path.parent.relative_to(content_dir) for path in content_dir.rglob("*.md")}
    visible = [folder for folder in folders if not any(part.startswith(".") for part in folder.parts)]
    return sorted("" if folder == Path() else folder.as_posix() for folder in visible)


def collection_name(folder: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-") or "pages"


def _collection(folder: str, content_in_repo: str, config: SiteConfig) -> Field:
    name = collection_name(folder)
    label = folder.replace("-", " ").replace("/", ": ").capitalize() if folder else "Site pages"
    return {
        "name": name,
        "label": label,
        "folder": f"{content_in_repo}/{folder}".rstrip("/"),
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}} ({{status}})",
        # Markdown as written (not the rich-text editor, which would escape the [^id] source markers).
        "fields": [*front_matter_fields(config), _field("body", "markdown", hint=_BODY_HINT, modes=["raw"])],
    }


def github_repo(repository_url: str) -> str:
    """ "owner/name" from site.yml's repository_url (https://github.com/owner/name)."""
    return "/".join(repository_url.rstrip("/").removesuffix(".git").split("/")[-2:])


def cms_config(config: SiteConfig, folders: list[str], content_in_repo: str = "content") -> str:
    settings = {
        "backend": {"name": "github", "repo": github_repo(config.repository_url), "branch": "main"},
        # Every save goes to its own branch and pull request; `check` and a clinical reviewer still gate merging.
        "publish_mode": "editorial_workflow",
        # decap-server on this computer (`make cms`); only used when the editor is opened on localhost.
        "local_backend": True,
        "site_url": config.base_url,
        "display_url": config.base_url,
        "media_folder": "static/img",
        "public_folder": "/img",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [_collection(folder, content_in_repo, config) for folder in folders],
    }
    header = "# Written by the build from the content model (sitegen/render/cms_config.py): do not edit.\n"
    return header + yaml.dump(settings, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=120)


class _NoAliases(yaml.SafeDumper):
    """Writes a shared value (the slug pattern) out in full each time: no &id001 anchors for people to puzzle over."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def preview_data(config: SiteConfig) -> str:
    """What the preview needs to show care cards as readers see them: each sign's wording and the services."""
    services = {
        urgency: {"name": service.name, "phone": service.phone}
        for urgency, service in zip(URGENCIES, (config.emergency, config.urgent, config.non_urgent), strict=True)
    }
    flags = {flag.id: flag.text for flag in config.red_flags}
    return json.dumps({"services": services, "signs": flags}, sort_keys=True)


def _attribute(text: str) -> str:
    return html.escape(text, quote=False).replace('"', "&quot;")


def index_html(config: SiteConfig, stylesheet: str, folders: list[str]) -> str:
    attribute = _attribute
    collections = " ".join(collection_name(folder) for folder in folders)
    return f"""<!doctype html>
<html lang="{attribute(config.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{attribute(ADMIN_CONTENT_SECURITY_POLICY)}">
<meta name="referrer" content="{REFERRER_POLICY}">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edit pages | {attribute(config.name)}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="{EDITOR_SCRIPT}"></script>
<script src="{PREVIEW_SCRIPT}" data-stylesheet="{attribute(stylesheet)}"
  data-site="{attribute(preview_data(config))}" data-collections="{attribute(collections)}"></script>
</body>
</html>
"""


def admin_outputs(
    config: SiteConfig, content_dir: Path, stylesheet: str, content_in_repo: str = "content"
) -> list[OutputFile]:
    """admin/index.html and admin/config.yml; the build copies the vendored files of admin/ beside them."""
    folders = content_folders(content_dir)
    return [
        OutputFile(f"{ADMIN_DIR}/index.html", index_html(config, stylesheet, folders).encode("utf-8")),
        OutputFile(f"{ADMIN_DIR}/config.yml", cms_config(config, folders, content_in_repo).encode("utf-8")),
    ]


def vendored_files(project_root: Path) -> list[Path]:
    """The editor's files kept in the project's admin/ folder (empty when the project has no editor)."""
    folder = project_root / ADMIN_DIR
    if not (folder / EDITOR_SCRIPT).is_file():
        return []
    return sorted(path for path in folder.iterdir() if path.is_file() and not path.name.startswith("."))

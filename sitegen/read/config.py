"""Read and validate site.yml into a SiteConfig."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from sitegen.errors import Problem, SiteError
from sitegen.model import ChooserItem, FooterLink, Service, SiteConfig, Topic
from sitegen.read.fields import FieldReader
from sitegen.read.red_flags import load_red_flags
from sitegen.read.source_file import read_yaml_file
from sitegen.read.yaml_tree import Mapping, Node, Scalar

SLUG_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
_HTTPS_URL = r"https://[^\s\"'<>]+"
_PHONE = r"[0-9][0-9 ]{1,14}[0-9]"
_KNOWN = (
    "name",
    "description",
    "base_url",
    "language",
    "repository_url",
    "feedback_url",
    "services",
    "topics",
    "publishers",
    "duplicate_allowlist",
    "footer_links",
    "require_clinical_review",
    "chooser",
)
_CHOOSER_LINK = r"([a-z0-9]+(-[a-z0-9]+)*/)*(#[a-z0-9]+([-_][a-z0-9]+)*)?"


def load_config(path: Path, shown_as: str, base_url_override: str = "") -> SiteConfig:
    problems: list[Problem] = []
    root = read_yaml_file(path, shown_as)
    if not isinstance(root, Mapping):
        line = root.line if root is not None else 1
        raise SiteError([Problem(shown_as, line, "", "must be a list of 'name: value' settings", "see README")])
    config = _read(FieldReader(root, shown_as, problems), base_url_override)
    if problems:
        raise SiteError(problems)
    return replace(config, red_flags=load_red_flags(path, shown_as))


def _read(fields: FieldReader, base_url_override: str) -> SiteConfig:
    fields.reject_unknown(_KNOWN)
    base_url = base_url_override or fields.pattern(
        "base_url", _HTTPS_URL, "write the full address, e.g. https://example.org/", required=True
    )
    services = fields.mapping("services", required=True)
    return SiteConfig(
        name=fields.text("name", required=True, max_len=60),
        description=fields.text("description", required=True, max_len=200),
        base_url=base_url.rstrip("/") + "/",
        language=fields.pattern("language", r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", "a BCP 47 tag, e.g. en-GB", True),
        repository_url=fields.pattern("repository_url", _HTTPS_URL, "e.g. https://github.com/org/repo", True),
        feedback_url=fields.pattern(
            "feedback_url", r"(https://|mailto:)[^\s\"'<>]+", "an https: or mailto: link", True
        ),
        emergency=_service(services, "emergency"),
        urgent=_service(services, "urgent"),
        non_urgent=_service(services, "non_urgent"),
        topics=fields.items("topics", _topic, "a list of topics with slug, title and description", True, 1),
        publishers=fields.text_list("publishers", required=True, min_items=1),
        duplicate_allowlist=frozenset(
            fields.items("duplicate_allowlist", _paragraph_hash, "a list of paragraph hashes from build warnings")
        ),
        footer_links=fields.items("footer_links", _footer_link, "a list of links with title and path"),
        require_clinical_review=fields.flag("require_clinical_review"),
        chooser=fields.items("chooser", _chooser_item, "a list of choices with text and link"),
    )


def _paragraph_hash(item: Node, fields: FieldReader, label: str) -> str | None:
    if isinstance(item, Scalar) and re.fullmatch(r"[0-9a-f]{12}", item.value.strip()):
        return item.value.strip()
    fields.error(item.line, label, "is not a paragraph hash", "copy the 12-character code from the warning")
    return None


def _service(services: FieldReader | None, name: str) -> Service:
    """Emergency and urgent services need a number; the non-urgent one (a GP surgery) may have none."""
    if services is None:
        return Service("", "")
    service = services.mapping(name, required=True)
    if service is None:
        return Service("", "")
    service.reject_unknown(("name", "phone"))
    return Service(
        name=service.text("name", required=True),
        phone=service.pattern(
            "phone", _PHONE, "digits and spaces only, e.g. 999 or 0300 123 4567", required=name != "non_urgent"
        ),
    )


def _footer_link(item: Node, fields: FieldReader, label: str) -> FooterLink | None:
    link = fields.sub_reader(item, label, "a link with title and path")
    if link is None:
        return None
    link.reject_unknown(("title", "path"))
    return FooterLink(
        title=link.text("title", required=True, max_len=40),
        path=link.pattern(
            "path", r"([a-z0-9]+(-[a-z0-9]+)*/)*", "a page's address inside the site, e.g. privacy/", True
        ),
    )


def _chooser_item(item: Node, fields: FieldReader, label: str) -> ChooserItem | None:
    choice = fields.sub_reader(item, label, "a choice with text and link")
    if choice is None:
        return None
    choice.reject_unknown(("text", "link", "emergency"))
    link = choice.pattern(
        "link", _CHOOSER_LINK, "a page's address inside the site, e.g. conditions/raynauds/#treatment", True
    )
    path, _, anchor = link.partition("#")
    return ChooserItem(
        text=choice.text("text", required=True, max_len=80),
        path=path,
        anchor=anchor,
        emergency=choice.flag("emergency"),
        file=fields.path,
        line=item.line,
    )


def _topic(item: Node, fields: FieldReader, label: str) -> Topic | None:
    topic = fields.sub_reader(item, label, "a topic with slug, title and description")
    if topic is None:
        return None
    topic.reject_unknown(("slug", "title", "description"))
    return Topic(
        slug=topic.pattern("slug", SLUG_PATTERN, "lower-case words joined by hyphens", True),
        title=topic.text("title", required=True, max_len=65),
        description=topic.text("description", required=True, max_len=200),
    )

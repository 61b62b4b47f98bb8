"""Plain frozen data passed between the pipeline's stages. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    name: str
    phone: str


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str


@dataclass(frozen=True)
class FooterLink:
    title: str
    path: str  # site-relative, e.g. "privacy/"


URGENCIES = ("emergency", "urgent", "non_urgent")  # most to least urgent


@dataclass(frozen=True)
class ChooserItem:
    """One answer to "Where is your numbness?" (site.yml `chooser:`): what the reader notices, and where to go."""

    text: str  # what the reader notices, e.g. "Thumb and index finger tingle at night"
    path: str  # a page inside the site, e.g. "conditions/carpal-tunnel-syndrome/" ("" is the home page)
    anchor: str  # a heading's id on that page, or ""
    emergency: bool  # shown first, in red, with the emergency number
    file: str  # site.yml as editors see it, for error messages
    line: int


@dataclass(frozen=True)
class RedFlag:
    """A warning sign with the one urgency the whole site gives it (rules/red-flags.yml)."""

    id: str
    urgency: str  # one of URGENCIES
    text: str  # the care-card wording, finishing "... if"
    patterns: tuple[str, ...]  # regular expressions for sentences that describe this sign
    line: int  # in the red-flags file


@dataclass(frozen=True)
class SiteConfig:
    name: str
    base_url: str  # always ends with "/"
    language: str
    repository_url: str  # edit links point at <repository_url>/<path of the file>
    emergency: Service
    urgent: Service
    non_urgent: Service
    topics: tuple[Topic, ...]
    publishers: tuple[str, ...]
    feedback_url: str
    description: str
    duplicate_allowlist: frozenset[str] = frozenset()  # paragraph hashes allowed to repeat across articles
    footer_links: tuple[FooterLink, ...] = ()  # trust pages linked from every page's footer
    require_clinical_review: bool = False  # `check` fails (not warns) on pages no clinician has signed off
    red_flags: tuple[RedFlag, ...] = ()
    chooser: tuple[ChooserItem, ...] = ()  # "Where is your numbness?" on the home page

    def red_flag(self, flag_id: str) -> RedFlag | None:
        return next((flag for flag in self.red_flags if flag.id == flag_id), None)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. "/" or "/health/"."""
        after_scheme = self.base_url.split("://", 1)[-1]
        return "/" + after_scheme.split("/", 1)[1] if "/" in after_scheme else "/"


@dataclass(frozen=True)
class Person:
    name: str
    role: str


@dataclass(frozen=True)
class Reviewer:
    name: str
    credentials: str
    role: str
    conflicts: str
    registration: str = ""
    signed_off: dt.date | None = None  # the day this reviewer signed the page off (REV004 compares it with git)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    accessed: dt.date
    kind: str
    note: str = ""  # how the source was checked, e.g. when only a republished copy could be opened


@dataclass(frozen=True)
class Code:
    system: str
    value: str


@dataclass(frozen=True)
class Ref:
    """A named thing (cause, symptom, treatment) with an optional link to our page about it."""

    name: str
    slug: str = ""


@dataclass(frozen=True)
class About:
    schema_type: str
    name: str
    codes: tuple[Code, ...] = ()
    specialty: tuple[str, ...] = ()
    causes: tuple[Ref, ...] = ()
    symptoms: tuple[Ref, ...] = ()
    treatments: tuple[Ref, ...] = ()
    risk_factors: tuple[Ref, ...] = ()
    tests: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Care:
    emergency: tuple[str, ...] = ()
    urgent: tuple[str, ...] = ()
    non_urgent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    date: dt.date
    summary: str


@dataclass(frozen=True)
class Waiver:
    reason: str
    approved_by: str


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    credit: str
    decorative: bool


@dataclass(frozen=True)
class FrontMatter:
    title: str
    type: str
    status: str
    summary: str
    topics: tuple[str, ...]
    authors: tuple[Person, ...]
    date_published: dt.date
    last_reviewed: dt.date
    next_review_due: dt.date
    sources: tuple[Source, ...]
    clinical_review: str  # "pending" or "complete"
    reviewers: tuple[Reviewer, ...] = ()
    slug: str = ""
    medical_name: str = ""
    audience: str = "patient"
    language: str = ""
    aliases: tuple[str, ...] = ()
    about: About | None = None
    care: Care | None = None
    related: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    readability_waiver: Waiver | None = None
    image: Image | None = None


@dataclass(frozen=True)
class Article:
    """One content file that passed validation."""

    source_path: str  # relative to the content folder, POSIX slashes, e.g. "conditions/x.md"
    url_path: str  # relative to the site root, e.g. "conditions/x/" ("" for the home page)
    meta: FrontMatter
    body: str  # Markdown, front matter removed
    body_line: int  # file line of the body's first line
    field_lines: tuple[tuple[str, int], ...] = ()  # front-matter key -> file line, for later problems

    def line_of(self, field: str) -> int:
        return dict(self.field_lines).get(field, 1)

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def is_home(self) -> bool:
        return self.url_path == ""


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # sorted by url_path
    build_date: dt.date


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, POSIX slashes
    data: bytes

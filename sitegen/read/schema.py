"""The front-matter schema (health-content guide, section 6.1): one FieldReader call per field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from sitegen.errors import Problem
from sitegen.model import (
    URGENCIES,
    About,
    Care,
    Change,
    Code,
    FrontMatter,
    Image,
    Person,
    Ref,
    Reviewer,
    SiteConfig,
    Source,
    Waiver,
)
from sitegen.read.config import SLUG_PATTERN
from sitegen.read.fields import FieldReader, suggestion
from sitegen.read.phone import PHONE_NUMBER
from sitegen.read.red_flags import flags_in
from sitegen.read.red_flags import label as urgency_label
from sitegen.read.urls import IMAGE_KINDS, classify, shown
from sitegen.read.yaml_tree import Mapping, Node, Scalar

TYPES = ("symptom", "condition", "guide", "hub", "policy")
STATUSES = ("draft", "in-review", "published", "retired")
AUDIENCES = ("patient", "carer", "clinician")
SOURCE_KINDS = ("guideline", "review", "patient-information", "study")
SCHEMA_TYPES = ("MedicalSymptom", "MedicalCondition")
CLINICAL_REVIEW = ("pending", "complete")
FIELDS = (
    "title", "medical_name", "slug", "type", "status", "summary", "audience", "language", "topics",
    "aliases", "about", "care", "authors", "reviewers", "clinical_review", "date_published",
    "last_reviewed", "next_review_due", "sources", "related", "changes", "readability_waiver", "image",
    "imported_from",
    "redirect_from",  # read by sitegen/render/redirects.py
)  # fmt: skip
MAX_REVIEW_INTERVAL_DAYS = 3 * 365 + 1
REVIEWER_EXAMPLE = (
    "reviewers: [{name: Dr Jane Smith, credentials: MBBS MRCGP, role: General practitioner, conflicts: none, "
    "signed_off: 2026-11-20}]"
)
PLACEHOLDER = re.compile(r"\bTODO\b")  # left by `new`; `check` reports it once, as FM002
_MARKUP = re.compile(r"[<>*_`\[\]#]")


def read_front_matter(
    root: Mapping, path: str, config: SiteConfig, build_date: dt.date, problems: list[Problem]
) -> FrontMatter:
    fields = FieldReader(root, path, problems)
    fields.reject_unknown(FIELDS)
    page_type = fields.choice("type", TYPES, required=True)
    medical = page_type in ("symptom", "condition")
    summary = fields.text("summary", required=True, min_len=50, max_len=160)
    if _MARKUP.search(summary):
        fields.error(
            fields.line_of("summary"), "summary", "contains markup", "write plain text without <, *, _, [ or #"
        )
    clinical_review = fields.choice("clinical_review", CLINICAL_REVIEW, default="pending")
    reviewers = fields.items("reviewers", _reviewer, f"a list of reviewers, e.g. {REVIEWER_EXAMPLE}")
    if clinical_review == "complete" and not fields.has("reviewers"):  # a malformed list is reported once, above
        fields.error(
            fields.line_of("clinical_review"),
            "reviewers",
            "are required when clinical_review is complete",
            f"add the clinician who reviewed the page, e.g. {REVIEWER_EXAMPLE}; or set clinical_review: pending",
        )
    if clinical_review == "pending" and reviewers:
        fields.error(
            fields.line_of("reviewers"),
            "clinical_review",
            "says pending but reviewers are listed",
            "set clinical_review: complete",
        )
    meta = FrontMatter(
        title=fields.text("title", required=True, max_len=65),
        medical_name=fields.text("medical_name", max_len=80),
        slug=fields.pattern("slug", SLUG_PATTERN, "lower-case letters, digits and single hyphens"),
        type=page_type,
        status=fields.choice("status", STATUSES, required=True),
        summary=summary,
        audience=fields.choice("audience", AUDIENCES, default="patient"),
        language=fields.pattern("language", r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", "a BCP 47 tag, e.g. en-GB")
        or config.language,
        topics=_topics(fields, config),
        aliases=fields.text_list("aliases"),
        about=_about(fields, required=medical),
        care=_care(fields, page_type, config),
        authors=fields.items("authors", _person, "a list of authors with name and role", True, 1),
        reviewers=reviewers,
        clinical_review=clinical_review,
        date_published=fields.date("date_published", required=True) or dt.date.min,
        last_reviewed=fields.date("last_reviewed", required=True) or dt.date.min,
        next_review_due=fields.date("next_review_due", required=True) or dt.date.min,
        sources=fields.items("sources", _source_reader(config), "a list of sources", True, 2),
        related=fields.items("related", _slug, "a list of page slugs"),
        changes=fields.items("changes", _change, "a list of changes with date and summary"),
        readability_waiver=_waiver(fields),
        image=_image(fields),
    )
    _check_provenance(fields)
    _check_dates(fields, meta, build_date)
    _check_unique_source_ids(fields, meta)
    return meta


def _check_provenance(fields: FieldReader) -> None:
    """`imported_from` records which scraped file an article came from (written by `build.py import`)."""
    provenance = fields.mapping("imported_from")
    if provenance is not None:
        provenance.reject_unknown(("file", "sha256"))
        provenance.text("file", required=True)
        provenance.pattern("sha256", r"[0-9a-f]{64}", "the SHA-256 of the file, as 64 hex digits", required=True)


def _topics(fields: FieldReader, config: SiteConfig) -> tuple[str, ...]:
    known = [topic.slug for topic in config.topics]
    topics = fields.text_list("topics", required=True, min_items=1)
    for topic in topics:
        if topic not in known:
            fields.error(
                fields.line_of("topics"),
                "topics",
                f"'{topic}' is not a topic in site.yml",
                "use one of: " + ", ".join(known),
            )
    return topics


def _source_url(source: FieldReader) -> str:
    url = source.text("url", required=True)
    if url and not re.fullmatch(r"https://[^\s\"'<>]+", url):
        scheme = "an http: address" if url.startswith("http://") else "not an https: address"
        source.error(
            source.line_of("url"), "url", f"'{url}' is {scheme}", "use the https: address of the source", "SRC003"
        )
        return ""
    return url


def _check_dates(fields: FieldReader, meta: FrontMatter, build_date: dt.date) -> None:
    if dt.date.min in (meta.date_published, meta.last_reviewed, meta.next_review_due):
        return
    if meta.date_published > meta.last_reviewed:
        fields.error(
            fields.line_of("last_reviewed"),
            "last_reviewed",
            "is before date_published",
            "a page is reviewed on or after the day it is first published",
        )
    if meta.last_reviewed > build_date:
        fields.error(
            fields.line_of("last_reviewed"),
            "last_reviewed",
            f"is in the future (today is {build_date})",
            "use the date the review happened",
        )
    if meta.next_review_due <= meta.last_reviewed:
        fields.error(
            fields.line_of("next_review_due"),
            "next_review_due",
            "must be after last_reviewed",
            "reviews are due at most 3 years after the last one",
        )
    elif (meta.next_review_due - meta.last_reviewed).days > MAX_REVIEW_INTERVAL_DAYS:
        fields.error(
            fields.line_of("next_review_due"),
            "next_review_due",
            "is more than 3 years after last_reviewed",
            "set it within 3 years of last_reviewed",
        )


def _check_unique_source_ids(fields: FieldReader, meta: FrontMatter) -> None:
    seen: set[str] = set()
    for source in meta.sources:
        if source.id in seen:
            fields.error(
                fields.line_of("sources"), "sources", f"id '{source.id}' is used twice", "give each source its own id"
            )
        seen.add(source.id)


def _source_reader(config: SiteConfig):  # type: ignore[no-untyped-def]
    def read(item: Node, fields: FieldReader, label: str) -> Source | None:
        source = fields.sub_reader(item, label, "a source with id, title, publisher, url, accessed and kind")
        if source is None:
            return None
        source.reject_unknown(("id", "title", "publisher", "url", "accessed", "kind", "note"))
        publisher = source.text("publisher", required=True)
        if publisher and publisher not in config.publishers and not PLACEHOLDER.search(publisher):
            close = publisher_suggestion(publisher, config.publishers)
            source.error(
                source.line_of("publisher"),
                "publisher",
                f"'{publisher}' is not on the publisher list",
                f"did you mean '{close}'? Write the name exactly as site.yml lists it"
                if close
                else "use a publisher from the list in site.yml; to add a new one, ask an editor to check it is "
                "reliable and add it to publishers in site.yml",
            )
        return Source(
            id=source.pattern("id", SLUG_PATTERN, "lower-case letters, digits and hyphens, e.g. nhs-pins", True),
            title=source.text("title", required=True),
            publisher=publisher,
            url=_source_url(source),
            accessed=source.date("accessed", required=True) or dt.date.min,
            kind=source.choice("kind", SOURCE_KINDS, required=True),
            note=source.text("note", max_len=300),
        )

    return read


def publisher_suggestion(publisher: str, publishers: tuple[str, ...]) -> str:
    """The listed publisher `publisher` most likely means: a close spelling, or the one it abbreviates (AAOS)."""
    letters = publisher.replace(".", "").replace(" ", "")
    for known in publishers:
        initials = "".join(word[0] for word in known.split() if word[0].isupper())
        if len(letters) >= 2 and letters.upper() == letters and letters == initials:
            return known
    return suggestion(publisher, publishers)


def _person(item: Node, fields: FieldReader, label: str) -> Person | None:
    person = fields.sub_reader(item, label, "an author with name and role")
    if person is None:
        return None
    person.reject_unknown(("name", "role"))
    return Person(person.text("name", required=True), person.text("role", required=True))


def _reviewer(item: Node, fields: FieldReader, label: str) -> Reviewer | None:
    person = fields.sub_reader(item, label, "a reviewer with name, credentials, role and conflicts")
    if person is None:
        return None
    person.reject_unknown(("name", "credentials", "role", "registration", "conflicts", "signed_off"))
    signed_off = person.date("signed_off")
    return Reviewer(
        name=person.text("name", required=True),
        credentials=person.text("credentials", required=True),
        role=person.text("role", required=True),
        conflicts=person.text("conflicts", required=True),
        registration=person.text("registration"),
        signed_off=signed_off,
    )


def _slug(item: Node, fields: FieldReader, label: str) -> str | None:
    if isinstance(item, Scalar) and re.fullmatch(SLUG_PATTERN, item.value.strip()):
        return item.value.strip()
    fields.error(item.line, label, "is not a page slug", "write the slug of another page, e.g. emergency-signs")
    return None


def _ref(item: Node, fields: FieldReader, label: str) -> Ref | None:
    ref = fields.sub_reader(item, label, "an entry with name and optional slug")
    if ref is None:
        return None
    ref.reject_unknown(("name", "slug"))
    return Ref(ref.text("name", required=True), ref.pattern("slug", SLUG_PATTERN, "a page slug"))


def _code(item: Node, fields: FieldReader, label: str) -> Code | None:
    code = fields.sub_reader(item, label, "a code with system and value")
    if code is None:
        return None
    code.reject_unknown(("system", "value"))
    return Code(code.text("system", required=True), code.text("value", required=True))


def _about(fields: FieldReader, required: bool) -> About | None:
    about = fields.mapping("about", required=required)
    if about is None:
        return None
    about.reject_unknown(
        ("schema_type", "name", "codes", "specialty", "causes", "symptoms", "treatments", "risk_factors", "tests")
    )
    return About(
        schema_type=about.choice("schema_type", SCHEMA_TYPES, required=True),
        name=about.text("name", required=True),
        codes=about.items("codes", _code, "a list of codes"),
        specialty=about.text_list("specialty"),
        causes=about.items("causes", _ref, "a list of causes"),
        symptoms=about.items("symptoms", _ref, "a list of symptoms"),
        treatments=about.items("treatments", _ref, "a list of treatments"),
        risk_factors=about.items("risk_factors", _ref, "a list of risk factors"),
        tests=about.items("tests", _ref, "a list of tests"),
    )


def _care(fields: FieldReader, page_type: str, config: SiteConfig) -> Care | None:
    care = fields.mapping("care", required=page_type in ("symptom", "condition"))
    if care is None:
        return None
    care.reject_unknown(URGENCIES)
    lists = {
        urgency: care.items(
            urgency,
            _care_item(config, urgency),
            "a list of signs",
            required=urgency == "emergency" and page_type == "symptom",
        )
        for urgency in URGENCIES
    }
    return Care(emergency=lists["emergency"], urgent=lists["urgent"], non_urgent=lists["non_urgent"])


def _care_item(config: SiteConfig, urgency: str) -> Callable[[Node, FieldReader, str], str | None]:
    """A card line: the id of a sign in rules/red-flags.yml (shown in that file's words), or plain text."""

    def read(item: Node, fields: FieldReader, label: str) -> str | None:
        if not isinstance(item, Scalar) or not item.value.strip():
            fields.error(item.line, label, "must be a short text", "write the entry on one line")
            return None
        text = " ".join(item.value.split())
        if re.fullmatch(SLUG_PATTERN, text):
            return _listed_sign(text, item.line, fields, label, config, urgency)
        if PHONE_NUMBER.search(text):
            fields.error(
                item.line, label, "contains a phone number", "numbers come from site.yml; describe the situation only"
            )
        for flag in flags_in(text, config.red_flags):
            if flag.urgency != urgency:
                fields.error(
                    item.line,
                    label,
                    f"describes '{flag.id}', which rules/red-flags.yml lists as {urgency_label(flag.urgency)}",
                    f"write '- {flag.id}' under {flag.urgency} instead",
                    "TRIAGE001",
                )
        return text

    return read


def _listed_sign(
    flag_id: str, line: int, fields: FieldReader, label: str, config: SiteConfig, urgency: str
) -> str | None:
    flag = config.red_flag(flag_id)
    if flag is None:
        known = [f.id for f in config.red_flags if f.urgency == urgency]
        hint = "use one of: " + ", ".join(known) if known else "write the sign in words"
        fields.error(line, label, f"'{flag_id}' is not a sign in rules/red-flags.yml", hint, "TRIAGE001")
        return flag_id  # kept so the card does not also count as missing: one mistake, one message
    if flag.urgency != urgency:
        fields.error(
            line,
            label,
            f"'{flag_id}' is {urgency_label(flag.urgency)} in rules/red-flags.yml, but is listed under {urgency}",
            f"move it to {flag.urgency}, so every page gives this sign the same urgency",
            "TRIAGE001",
        )
    return flag.text


def _change(item: Node, fields: FieldReader, label: str) -> Change | None:
    change = fields.sub_reader(item, label, "a change with date and summary")
    if change is None:
        return None
    change.reject_unknown(("date", "summary"))
    return Change(change.date("date", required=True) or dt.date.min, change.text("summary", required=True))


def _waiver(fields: FieldReader) -> Waiver | None:
    waiver = fields.mapping("readability_waiver")
    if waiver is None:
        return None
    waiver.reject_unknown(("reason", "approved_by"))
    return Waiver(waiver.text("reason", required=True), waiver.text("approved_by", required=True))


def _image(fields: FieldReader) -> Image | None:
    image = fields.mapping("image")
    if image is None:
        return None
    image.reject_unknown(("src", "alt", "credit", "decorative"))
    decorative = image.flag("decorative")
    src = image.pattern("src", r"[^\s\"'<>]+", "a site-relative path such as /img/x.png", True)
    if src:
        # Read as a browser reads it from the site root: a path on this site, nothing else (no third parties).
        address = classify(src)
        if address.kind not in IMAGE_KINDS:
            reason = address.reason or "is not on this site (images are never loaded from other websites)"
            hint = "put the image in static/img/ and write its path, such as /img/x.png"
            image.error(image.line_of("src"), "src", f"is '{shown(src)}', which {reason}", hint)
            src = ""
    return Image(
        src=src,
        alt=image.text("alt", required=not decorative),
        credit=image.text("credit"),
        decorative=decorative,
    )

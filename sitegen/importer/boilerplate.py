"""Recognise web boilerplate by what a line is, not by exact strings, and never remove health information.

Each recogniser looks at a whole line and says what kind of page furniture it is: a row of share targets and
separators, a feedback prompt or its answer buttons, a sign-up prompt, a "Tags:" / "Related:" / "Sponsored:"
line, "Back to top", a navigation crumb or menu, a cookie notice or its buttons, a copyright line. Only whole
lines go. A line that matches but also states something about health ("Related: numbness in both feet can
mean nerve damage") is kept and reported, so an editor decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.dedupe.meaning import BODY

_WORD = re.compile(r"[a-z0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_NEW_WINDOW = re.compile(r"\((?:opens|open) in (?:a )?new (?:window|tab)\)", re.I)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SHARE_TARGETS = _words(
    "share shares sharing tweet facebook twitter x linkedin whatsapp pinterest reddit telegram messenger email "
    "e-mail mail print flipboard tumblr bluesky threads mastodon instagram youtube tiktok sms pin bookmark"
)
SHARE_WORDS = SHARE_TARGETS | _words(
    "on to via this that article page story post it click tap copy copied link url opens open in a new window tab "
    "the with friend friends send save more options icon button follow us e mail and or by"
)
ANSWERS = _words("yes no not really maybe somewhat very a little thumbs up down helpful unhelpful sort of partly")
NAVIGATION = _words(
    "home menu search log sign in out skip to main content navigation close open next previous prev article "
    "page back login register account my contact us about privacy policy terms of use accessibility sitemap "
    "read more continue reading load show see all go the"
)
COOKIE_CONTEXT = _words(
    "website site browsing browser experience consent accept settings preferences policy privacy analytics "
    "personalise personalize continue store stores use uses"
)
COOKIE_BUTTONS = _words(
    "accept all reject decline allow deny agree i got it ok okay manage preferences settings cookies cookie "
    "necessary only essential customise customize continue close dismiss x save choices"
)
COOKIE_ACTIONS = _words("accept reject decline allow agree got ok okay dismiss manage")
# A line that states something about health is never removed: a health word and a verb that makes a statement.
HEALTH = BODY | _words(
    "numb numbness tingling tingle tingly pins needles pain painful ache aches aching weakness weak symptom "
    "symptoms nerve nerves damage diabetes stroke gp doctor doctors nurse pharmacist 999 111 emergency treatment "
    "condition syndrome carpal tunnel swelling injury medicine medicines tablets blood sugar vitamin sleep"
)
STATEMENT = _words(
    "is are was were can cannot may might could should must will would mean means spread spreads affect affects "
    "feel feels happen happens see tell call keep"
)
_LABEL = re.compile(
    r"^(?P<label>tags?|tagged(?: with| in| as)?|topics?|categor(?:y|ies)|filed under|posted in"
    r"|related(?: articles| posts| topics| reading| content| stories| links| pages)?|see also|read more|read next"
    r"|read this next|more on this|more like this|you (?:may|might) also like|recommended(?: for you| reading)?"
    r"|popular(?: posts| articles)?|trending(?: now)?"
    r"|(?P<ad>sponsored(?: content| post| link| by)?|advertisement|advertising|ad|promoted(?: content)?"
    r"|paid (?:content|partnership|post)|partner content|from our partners|presented by|in partnership with))"
    r"\s*(?:[:：|]|\s[–—-])\s*(?P<rest>.*)$",
    re.I,
)
_LONE_LABEL = re.compile(r"^(sponsored(?: content)?|advertisement|advertising|promoted|like this|loading)\W*$", re.I)
_BACK_TO_TOP = re.compile(
    r"^[\W_]*(?:back|return|go|scroll|jump|skip) (?:up )?to (?:the )?top(?: of (?:the )?(?:page|article))?[\W_]*$", re.I
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", re.I)
_CRUMB_STRONG = re.compile(r"\s*[›»→>]\s*|\s+::\s+")
_CRUMB_WEAK = re.compile(r"\s+[/|\\]\s+")
_YOU_ARE_HERE = re.compile(r"^you are here\s*:?\s*", re.I)
_FEEDBACK = re.compile(
    r"\b(?:was|is|did|do|were|how)\b.*\b(?:this|the|our)\s+(?:page|article|information|content|post|guide|answer"
    r"|advice)\b.*\b(?:helpful|useful|help(?: you)?|clear)\b"
    r"|\b(?:helpful|useful)\b.*\b(?:this|the|our)\s+(?:page|article|information|content|post|guide|answer|advice)\b"
    r"|\brate this\b|\bthanks?(?: you)? for (?:your )?feedback\b|\b(?:give|leave|send|"
    r"share) (?:us )?(?:your )?feedback\b|\bdid you find what you (?:were|are) looking for\b",
    re.I,
)
_SIGN_UP = re.compile(
    r"\b(?:newsletter|inbox|mailing list|subscribe|subscription|unsubscribe|enter your e-?mail|e-?mail address"
    r"|(?:sign|join)[ -]?up\b.*\b(?:e-?mails?|updates|tips|news|list))\b",
    re.I,
)
MAX_FURNITURE_WORDS = 40


@dataclass(frozen=True)
class Verdict:
    reason: str  # what kind of boilerplate the line is ("" when it is not boilerplate)
    kept: bool = False  # it looks like boilerplate but carries health information, so it stays


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("e-mail", "email"))


def carries_health_information(text: str) -> bool:
    words = set(tokens(text))
    return bool(words & HEALTH) and bool(words & STATEMENT)


def classify(text: str) -> Verdict:
    """Whether the whole line is boilerplate, and which kind."""
    reason = _reason(text)
    if reason and carries_health_information(_YOU_ARE_HERE.sub("", text.strip())):
        return Verdict(reason, kept=True)
    return Verdict(reason)


def _reason(text: str) -> str:
    words = tokens(_NEW_WINDOW.sub(" ", text))
    if len(words) > MAX_FURNITURE_WORDS:
        return ""
    if not _LETTER.search(text) and not any(ch.isdigit() for ch in text):
        return "a row of symbols or icons"
    checks = (
        _share_row,
        _feedback,
        _labelled_line,
        _lone_label,
        _back_to_top,
        _crumb,
        _navigation,
        _cookie,
        _sign_up,
        _copyright,
    )
    for check in checks:
        reason = check(text, words)
        if reason:
            return reason
    return ""


def _share_row(text: str, words: list[str]) -> str:
    if words and set(words) <= SHARE_WORDS and set(words) & SHARE_TARGETS:
        return "a row of share or follow links"
    return ""


def _feedback(text: str, words: list[str]) -> str:
    if words and set(words) <= ANSWERS and {"yes", "no", "thumbs"} & set(words):
        return "the answer buttons of a feedback prompt"
    if _FEEDBACK.search(text) and len(words) <= 16:
        return "a feedback prompt"
    return ""


def _labelled_line(text: str, words: list[str]) -> str:
    match = _LABEL.match(text.strip())
    if not match:
        return ""
    if match.group("ad"):
        return "a sponsored or advertising line"
    return f"a '{match.group('label').strip().capitalize()}:' line of links or tags"


def _lone_label(text: str, words: list[str]) -> str:
    return "an advertising or loading label" if _LONE_LABEL.match(text.strip()) else ""


def _back_to_top(text: str, words: list[str]) -> str:
    return "a 'back to top' link" if _BACK_TO_TOP.match(text.strip()) else ""


def _crumb(text: str, words: list[str]) -> str:
    stripped = _YOU_ARE_HERE.sub("", text.strip())
    here = stripped != text.strip()
    parts = _CRUMB_STRONG.split(stripped)
    if len(parts) < 2:
        parts = _CRUMB_WEAK.split(stripped)
        if len(parts) < 2 or not (here or parts[0].lower() in {"home", "homepage", "start"}):
            return ""
    elif len(parts) < 3 and not (here or parts[0].lower() in {"home", "homepage", "start"}):
        return ""
    if parts[0][:1].isupper() and all(_crumb_part(part) for part in parts):
        return "a navigation crumb"
    return ""


def _crumb_part(part: str) -> bool:
    """A link in a crumb: one to five words starting with a letter, not a sentence ("Blood sugar > 11" is not)."""
    return 0 < len(part.split()) <= 5 and part[0].isalpha() and not part.endswith((".", "!", "?"))


def _navigation(text: str, words: list[str]) -> str:
    if words and len(words) <= 8 and set(words) <= NAVIGATION and not text.rstrip().endswith("."):
        return "a navigation or menu link"
    return ""


def _cookie(text: str, words: list[str]) -> str:
    bag = set(words)
    if bag & {"cookie", "cookies"} and bag & COOKIE_CONTEXT:
        return "a cookie notice"
    if words and bag <= COOKIE_BUTTONS and bag & COOKIE_ACTIONS:
        return "the buttons of a cookie notice"
    return ""


def _sign_up(text: str, words: list[str]) -> str:
    return "a newsletter or sign-up prompt" if _SIGN_UP.search(text) else ""


def _copyright(text: str, words: list[str]) -> str:
    return "a copyright line" if _COPYRIGHT.search(text) and len(words) <= 20 else ""

"""Link and image addresses, classified the way a browser reads them.

A browser resolves an `href` or `src` against the page's address by the WHATWG URL standard: spaces and control
characters at either end are dropped, tabs and line breaks anywhere are removed, and in http(s) addresses a
backslash is a slash. So `/\\evil.example/` and `/<TAB>/evil.example/` open another site although they start with
one `/`. Rather than re-implement those rules, every address is resolved by Ada (the WHATWG parser inside Node.js,
through its Python binding `ada-url`) against two page addresses that differ in scheme and host:

- it stays on the page's own origin from both: an address on this site (a path, a query or a `#section`);
- it is the same absolute address from both: it names its own scheme, and only `https:`, `mailto:` and `tel:`
  are allowed (an `https:` address with a user name before `@` is refused: it hides the real host);
- anything else depends on the page it sits on (`//host`, `/\\host`, `https:host`) and is refused.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import unquote

from ada_url import join_url

# Two pages that share nothing: an address that is "this site" from both is this site from any page.
_BASES = ("https://a.site.invalid", "http://b.site.invalid")
_ENDS = "".join(chr(code) for code in range(0x21))  # C0 control or space, stripped at both ends
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_ONE_SLASH = "write an address on this site with one slash and no backslash, tab or line break, e.g. /wrist-pain/"
_CHECK_IT = "check the address: copy it from the browser's address bar"


class Kind(enum.Enum):
    SITE = "site"  # same origin: a path or query on this site
    FRAGMENT = "fragment"  # "#section" on the same page
    HTTPS = "https"
    MAILTO = "mailto"
    TEL = "tel"
    REFUSED = "refused"


LINK_KINDS = frozenset({Kind.SITE, Kind.FRAGMENT, Kind.HTTPS, Kind.MAILTO, Kind.TEL})
IMAGE_KINDS = frozenset({Kind.SITE})  # the published site loads nothing from third parties


@dataclass(frozen=True)
class Address:
    kind: Kind
    text: str  # the address as the browser reads it: ends trimmed, tabs and line breaks removed
    site_url: str = ""  # SITE and FRAGMENT: path, query and fragment from the site root, as the browser has them
    reason: str = ""  # REFUSED: what is wrong, worded to follow "which"
    hint: str = ""  # REFUSED: what to do instead

    @property
    def path(self) -> str:
        """SITE and FRAGMENT: the percent-decoded path from the site root, e.g. "/a/b/"."""
        return unquote(self.site_url.partition("#")[0].partition("?")[0])

    @property
    def fragment(self) -> str:
        return unquote(self.site_url.partition("#")[2])


def browser_text(value: str) -> str:
    """The address after the URL standard's first two steps (what the browser actually parses)."""
    return _TAB_OR_NEWLINE.sub("", value.strip(_ENDS))


def classify(value: str, page_path: str = "/") -> Address:
    """How a browser on the page at `page_path` ("/", "/a/b/") reads the address `value`."""
    text = browser_text(value)
    try:
        # Serialised URLs (one call each; Ada's property getters cost as much again, each).
        first, second = (join_url(base + page_path, text) for base in _BASES)
    except ValueError:
        return Address(Kind.REFUSED, text, reason="is not a valid web address", hint=_CHECK_IT)
    here = [url.startswith(base + "/") for url, base in zip((first, second), _BASES, strict=True)]
    if all(here):  # "scheme://host/" then the path: no user name, no port, the page's own host
        kind = Kind.FRAGMENT if text.startswith("#") else Kind.SITE
        return Address(kind, text, site_url=first[len(_BASES[0]) :])
    if first != second:
        reason = f"a browser opens as {second if here[0] else first} (another site)"
        return Address(Kind.REFUSED, text, reason=reason, hint=_ONE_SLASH)
    scheme = first.split(":", 1)[0] + ":"
    if scheme == "https:" and "@" in (authority := first.removeprefix("https://").split("/", 1)[0]):
        # A serialised authority has "@" only after a user name (one inside it is written %40).
        reason = f"hides its real host, {authority.rsplit('@', 1)[1]}, behind a name and @"
        return Address(Kind.REFUSED, text, reason=reason, hint="link to the real address, without a name and @")
    if scheme in ("https:", "mailto:", "tel:"):
        return Address(Kind(scheme.rstrip(":")), text)
    if scheme == "http:":
        return Address(Kind.REFUSED, text, reason="is an unencrypted http: address", hint="use its https: address")
    reason = f"uses {scheme} (only https:, mailto:, tel: and this site's pages)"
    return Address(Kind.REFUSED, text, reason=reason, hint="link to an https: address or a page on this site")


def shown(value: str) -> str:
    """The address for a message, with tabs, line breaks and other invisible characters made visible."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in value)

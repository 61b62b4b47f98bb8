"""Undo the escaping scraped text arrives with, without ever touching text that is already right.

`codecs.decode(text, "unicode_escape")` is not used: it reads the text as Latin-1 and corrupts any
non-ASCII character already present ("café" becomes "cafÃ©").
"""

from __future__ import annotations

import html
import re

MAX_PASSES = 3  # JSON inside JSON: "\\\\n" -> "\\n" -> newline
_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})"
    r"|(r\\n|[nrt\"'/\\]))"
)
_SIMPLE = {"n": "\n", "r": "\n", "r\\n": "\n", "t": " ", '"': '"', "'": "'", "/": "/", "\\": "\\"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u3000"), " ")
# A backslash lost on the way leaves "patientu2019s": only these typographic escapes are repaired.
_STRIPPED = re.compile(r"(?<=[A-Za-z ])u(2018|2019|201[cC]|201[dD]|2013|2014|2026)(?=[A-Za-z .,;])")


def _replace(match: re.Match[str]) -> str:
    high, low, unit, byte, simple = match.groups()
    if high:
        return (chr(int(high, 16)) + chr(int(low, 16))).encode("utf-16", "surrogatepass").decode("utf-16")
    if unit:
        code = int(unit, 16)
        return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)  # an unpaired surrogate cannot be text
    if byte:
        return chr(int(byte, 16))
    return _SIMPLE[simple]


def decode(text: str) -> str:
    """Text with escapes, entities, odd spaces and line endings made plain; typographic characters kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(MAX_PASSES):
        decoded = _ESCAPE.sub(_replace, text)
        decoded = html.unescape(decoded)
        if decoded == text:
            break
        text = decoded
    text = _STRIPPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.translate(_INVISIBLE).translate(_SPACES)

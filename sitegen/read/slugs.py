"""One way to turn a title into a file name and address part: lower-case ASCII words joined by hyphens."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, max_length: int | None = None, fallback: str = "") -> str:
    """`text` as lower-case ASCII letters and digits joined by hyphens ("Numb hands?" -> "numb-hands").

    Longer than `max_length` (when given): cut at the last hyphen before it. Nothing left: `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if max_length is not None and len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or fallback

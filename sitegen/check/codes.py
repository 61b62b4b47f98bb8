"""Every problem `check` reports has one of these stable codes. CONTRIBUTING.md explains each one to editors
(a test keeps the two in step), and `--format json` gives tools the code with every problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckCode:
    code: str
    title: str
    site_wide: bool = False  # needs the whole site, so --changed-since keeps it for every file


CODES: dict[str, CheckCode] = {
    code.code: code
    for code in (
        CheckCode("SITE001", "site.yml has a mistake", site_wide=True),
        CheckCode("FM001", "front matter or file problem"),
        CheckCode("FM002", "placeholder text still to replace"),
        CheckCode("DUP001", "text repeated inside one page"),
        CheckCode("DUP002", "paragraph nearly the same as one on another page", site_wide=True),
        CheckCode("LNK001", "link to a page that does not exist", site_wide=True),
        CheckCode("LNK002", "link to a section that does not exist", site_wide=True),
        CheckCode("LNK003", "related page that does not exist", site_wide=True),
        CheckCode("LNK004", "two pages with the same address or slug", site_wide=True),
        CheckCode("IMG001", "image file not found"),
        CheckCode("IMG002", "image without alt text"),
        CheckCode("SRC001", "marker cites a source that is not listed"),
        CheckCode("SRC002", "source listed but never cited"),
        CheckCode("SRC003", "source address is not https:"),
        CheckCode("SRC004", "source address does not open"),
        CheckCode("REV001", "review date has passed"),
        CheckCode("REV002", "review due within 30 days"),
        CheckCode("REV003", "clinical review pending"),
        CheckCode("REV004", "page changed after its clinical sign-off"),
        CheckCode("READ001", "reading grade above the limit"),
        CheckCode("READ002", "reading grade above the target"),
        CheckCode("READ003", "sentence over 30 words"),
        CheckCode("CLAIM001", "misleading health claim"),
        CheckCode("CARE001", "care card missing from a clinical page"),
        CheckCode("TRIAGE001", "warning sign on the wrong care card"),
        CheckCode("TRIAGE002", "text gives a warning sign a different urgency"),
        CheckCode("HTML001", "unsafe HTML"),
        CheckCode("PHONE001", "phone number written into the text"),
        CheckCode("ESC001", "leftover escape code from copied text"),
        CheckCode("TEXT001", "invisible or direction-changing character"),
        CheckCode("MOVE001", "page removed or moved with nothing at its old address", site_wide=True),
        CheckCode("MOVE002", "redirect to a page that does not exist", site_wide=True),
        CheckCode("MOVE003", "old address that a real page uses", site_wide=True),
    )
}
DEFAULT_CODE = "FM001"
SITE_WIDE = frozenset(code for code, info in CODES.items() if info.site_wide)

"""Split an article's text into its YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.errors import Problem

DELIMITER = "---"


@dataclass(frozen=True)
class SplitText:
    front_matter: str
    body: str
    body_line: int  # file line where the body starts


def split(text: str, shown_as: str) -> SplitText | Problem:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != DELIMITER:
        return Problem(
            shown_as,
            1,
            "",
            "does not start with front matter",
            "make the first line '---', then the fields, then '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == DELIMITER:
            return SplitText(
                front_matter="\n".join(lines[1:index]) + "\n",
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    return Problem(shown_as, 1, "", "front matter is not closed", "add a line with '---' after the last field")

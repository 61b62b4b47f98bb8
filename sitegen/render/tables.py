"""Label every table cell with its column heading (data-label), so narrow screens can stack rows into cards.

Works on the body HTML after sanitising: the tables come from Python-Markdown's tables extension, so each is a
<thead> row of <th> cells followed by <tbody> rows of <td> cells. Only attributes are added; the text is kept."""

from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_HEADING_CELL = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL_START = re.compile(r"<td(\s[^>]*)?>")
_TAG = re.compile(r"<[^>]+>")


def label_cells(body: str) -> str:
    return _TABLE.sub(_label_table, body)


def _label_table(table: re.Match[str]) -> str:
    inner = table.group(1)
    head = _HEAD.search(inner)
    if head is None:
        return table.group(0)
    labels = [" ".join(html.unescape(_TAG.sub("", cell)).split()) for cell in _HEADING_CELL.findall(head.group(1))]
    body_start = head.end()

    def label_row(row: re.Match[str]) -> str:
        cells = iter(labels)

        def label_cell(cell: re.Match[str]) -> str:
            label = next(cells, "")
            if not label:
                return cell.group(0)
            return f'<td{cell.group(1) or ""} data-label="{html.escape(label, quote=True)}">'

        return "<tr>" + _CELL_START.sub(label_cell, row.group(1)) + "</tr>"

    return "<table>" + inner[:body_start] + _ROW.sub(label_row, inner[body_start:]) + "</table>"

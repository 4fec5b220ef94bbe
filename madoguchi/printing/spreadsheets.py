"""Every CSV and XLSX file that madoguchi writes for staff to open in a spreadsheet (the center's daily
export, the screening selection), through one writer.

A text cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is a formula to
Excel and LibreOffice: a resident's name typed as `=HYPERLINK("http://…","…")` would become a link in the
city's spreadsheet, and `=cmd|…` could run a program (CSV injection, OWASP). Such a cell is written with a
leading `'`, which the spreadsheet shows as text and does not keep in the value. Numbers, dates and
booleans are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would read as a formula, prefixed with `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows as CSV text (CRLF line ends, quoted where needed), every text cell made safe to open."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue()

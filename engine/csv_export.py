"""The one CSV writer for every export (reports, the audit history): no cell can run as a formula.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return before one), so text that begins so gets a leading apostrophe and shows as the text it is.
Numbers are written as numbers, a negative one included: only text can hold a formula."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str | int | float:
    """A value as a CSV cell: None empty, booleans yes/no, numbers as they are, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(rows: Iterable[Iterable[Any]]) -> str:
    """Rows of values as CSV text (RFC 4180 line ends), every cell through `cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()

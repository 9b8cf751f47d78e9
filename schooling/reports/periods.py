"""What a report is asked for: an academic year, perhaps a term and a school and a process, and the
date ranges those mean.

An academic year runs from 1 September to 31 August. Its three terms come from the school calendar
(`schooling.terms`), widened so that together they cover the whole year: a holiday counts with the term
after it, as `schooling.terms.term_of` has it, and the summer holiday with the summer term, so that every
day of the year falls in exactly one term.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.errors import InvalidData

from ..report_facts import academic_year
from ..terms import terms

TERM_NAMES = ("autumn", "spring", "summer")
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True)
class ReportFilter:
    """`year` like "2025/26"; `term` one of TERM_NAMES; `school` and `process` exact names; `scope` the
    cases the viewer may count, as (report-facts column, value) pairs (engine.permissions.report_scope;
    () is every case): set by `run_report`, never by the person asking."""

    year: str
    term: str | None = None
    school: str | None = None
    process: str | None = None
    scope: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, str | None]:
        return {"year": self.year, "term": self.term, "school": self.school, "process": self.process}


def make_filter(year: str | None, term: str | None = None, school: str | None = None, process: str | None = None,
                today: date | None = None) -> ReportFilter:
    """A checked filter; no year means the academic year of `today`. Bad input is InvalidData."""
    errors = {}
    year = (year or "").strip() or academic_year(today or date.today())
    m = _YEAR.match(year)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        errors["year"] = f"{year!r} is not an academic year such as 2025/26"
    term = (term or "").strip().lower() or None
    if term and term.startswith(f"{year} "):
        term = term[len(year) + 1:]
    if term is not None and term not in TERM_NAMES:
        errors["term"] = f"{term!r} is not a term: give autumn, spring or summer"
    if errors:
        raise InvalidData(errors, "report filter")
    return ReportFilter(year, term, (school or "").strip() or None, (process or "").strip() or None)


def year_range(year: str) -> tuple[date, date]:
    first = int(year[:4])
    return date(first, 9, 1), date(first + 1, 8, 31)


def term_ranges(calendar, year: str) -> list[tuple[str, date, date]]:
    """(name, first day, last day) of the year's three terms, covering the year without gaps."""
    start, end = year_range(year)
    found = {t.id.split(" ", 1)[1]: t for t in terms(calendar, date(start.year, 11, 1)) if t.id.startswith(year)}
    found.update({t.id.split(" ", 1)[1]: t for t in terms(calendar, date(end.year, 5, 1)) if t.id.startswith(year)})
    if not all(name in found for name in TERM_NAMES):  # no term dates configured: terms by month
        ends = {"autumn": date(start.year, 12, 31), "spring": date(end.year, 3, 31)}
    else:
        ends = {name: found[name].end for name in TERM_NAMES}
    out, first = [], start
    for name in TERM_NAMES:
        last = end if name == "summer" else ends[name]
        out.append((name, first, last))
        first = last + timedelta(days=1)
    return out


def period(calendar, f: ReportFilter) -> tuple[date, date]:
    """The first and last day the filter covers: its term, or its whole year."""
    if f.term is None:
        return year_range(f.year)
    return next((a, b) for name, a, b in term_ranges(calendar, f.year) if name == f.term)


def moment(day: date, timezone: str) -> datetime:
    """Local midnight at the start of `day`, in UTC (for ranges over timestamps, stored in UTC)."""
    return datetime.combine(day, time(), ZoneInfo(timezone)).astimezone(UTC)

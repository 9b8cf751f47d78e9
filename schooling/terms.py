"""School terms and half-terms from the school calendar's configured spans.

Each configured span is a half-term; spans separated by a short break (half-term week) make one
term, a longer break (Christmas, Easter, summer) ends a term. A date in a holiday belongs to the
term or half-term that follows it. Academic years with no configured spans fall back to the usual
English pattern by month.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

_SHORT_BREAK = timedelta(days=10)
_NAMES = {9: "autumn", 10: "autumn", 11: "autumn", 12: "autumn", 1: "spring", 2: "spring", 3: "spring",
          4: "summer", 5: "summer", 6: "summer", 7: "summer", 8: "summer"}
# (month, day) starts of the fallback half-terms of an academic year, from 1 September.
_FALLBACK = ((9, 1), (11, 1), (1, 1), (2, 22), (4, 15), (6, 1))


@dataclass(frozen=True)
class Term:
    """A term or half-term: `id` such as "2025/26 spring" or "2025/26 spring 2"; inclusive dates."""

    id: str
    start: date
    end: date


def _academic_year(d: date) -> str:
    y = d.year if d.month >= 9 else d.year - 1
    return f"{y}/{(y + 1) % 100:02d}"


def _spans(calendar, around: date) -> list[tuple[date, date]]:
    spans = [s for s in calendar.terms if abs((s[0] - around).days) < 550]
    if any(s[0] <= around <= s[1] or s[0] > around for s in spans):
        return sorted(spans)
    spans = []
    for year in (around.year - 1, around.year, around.year + 1):
        starts = [date(year if m >= 9 else year + 1, m, d) for m, d in _FALLBACK]
        ends = [*(s - timedelta(days=1) for s in starts[1:]), date(year + 1, 8, 31)]
        spans += list(zip(starts, ends, strict=True))
    return sorted(spans)


def half_terms(calendar, around: date) -> list[Term]:
    """The half-terms near `around`, in order, named "<year> <term> <1|2>"."""
    out, seen = [], {}
    for start, end in _spans(calendar, around):
        name = f"{_academic_year(start)} {_NAMES[start.month]}"
        seen[name] = seen.get(name, 0) + 1
        out.append(Term(f"{name} {seen[name]}", start, end))
    return out


def terms(calendar, around: date) -> list[Term]:
    """The terms near `around`: runs of half-terms separated by short breaks."""
    out: list[Term] = []
    for span in _spans(calendar, around):
        if out and span[0] - out[-1].end <= _SHORT_BREAK:
            out[-1] = Term(out[-1].id, out[-1].start, span[1])
        else:
            out.append(Term(f"{_academic_year(span[0])} {_NAMES[span[0].month]}", span[0], span[1]))
    return out


def _containing(periods: list[Term], d: date) -> Term:
    for period in periods:
        if d <= period.end:
            return period
    raise LookupError(f"no term configured after {d}")


def term_of(calendar, d: date) -> Term:
    """The term `d` falls in, or the next one when `d` is in a holiday."""
    return _containing(terms(calendar, d), d)


def half_term_of(calendar, d: date) -> Term:
    """The half-term `d` falls in, or the next one when `d` is in a holiday."""
    return _containing(half_terms(calendar, d), d)


def terms_after(calendar, d: date, n: int) -> Term:
    """The n-th whole term after the term of `d` (1: the next term)."""
    current = term_of(calendar, d)
    for _ in range(n):
        current = term_of(calendar, current.end + timedelta(days=1))
    return current

"""Whether the school calendar covers today and the year ahead: for `reintegrate status` and the scheduler.

A deadline in an academic year the calendar has no terms for is refused (`MissingCalendarYear`), so the
operator must add next year's term dates before the current ones run out. `calendar_check` says how long
is left; `warn_missing_year` is the scheduler's periodic job that logs it, once a day per process.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.organisations import Organisation, suggest

from .calendar import SchoolCalendar, academic_year_label, academic_year_of

log = logging.getLogger(__name__)
#: Days before the last configured term ends from which the missing next year is reported.
WARN_DAYS = 60
_warned_on: set[date] = set()


def calendar_check(calendar: SchoolCalendar, today: date, warn_days: int = WARN_DAYS) -> dict[str, Any]:
    """The calendar's academic years and last term day, and whether it is `ok` as of `today`: not when
    today's academic year has no terms, nor when the last term ends within `warn_days` with no next year."""
    years = sorted(calendar.configured_years)
    if not years:  # no terms at all: weekdays less bank holidays, by choice
        return {"ok": True, "years": [], "terms_end": None, "error": None}
    ends = calendar.terms[-1][1]
    current, following = academic_year_of(today), max(years) + 1
    error = None
    if current not in calendar.configured_years:
        error = (f"the school calendar has no term dates for {academic_year_label(current)}, the academic year of "
                 f"today ({today.isoformat()}): deadlines in it are refused until they are added")
    elif (ends - today).days < warn_days:
        error = (f"the school calendar's term dates end on {ends.isoformat()} and it has none for "
                 f"{academic_year_label(following)}: add them before 1 September {following}, when deadlines "
                 "start to be refused")
    return {"ok": error is None, "years": [academic_year_label(y) for y in years], "terms_end": ends.isoformat(),
            "error": error}


def unknown_inset_schools(calendar: SchoolCalendar, session: Session) -> list[str]:
    """A line for each school the calendar gives INSET days of its own under a name that is no entry of the
    organisations register: a case names its school as the register does, so those days would close no
    school and its deadlines would count them as school days."""
    problems = []
    for name in calendar.inset_schools:
        if session.scalar(select(Organisation.id).where(Organisation.name == name)) is None:
            close = suggest(session, name)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            problems.append(f"the school calendar gives INSET days to {name!r}, which is not in the organisations "
                            f"register{hint}: they close no school until the name matches")
    return problems


def warn_missing_year(engine) -> dict[str, Any]:
    """The scheduler's periodic job: log the calendar check's error, once a day per process."""
    today = engine.clock.now().astimezone(ZoneInfo(engine.policy.timezone)).date()
    check = calendar_check(engine.policy.school_calendar(), today)
    if check["error"] and today not in _warned_on:
        _warned_on.add(today)
        log.warning("%s", check["error"])
    return check

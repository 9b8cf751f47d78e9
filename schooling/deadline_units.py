"""Counting a deadline in the unit its rule names: school days, working days, school weeks, or calendar
days and weeks.

The seeds use all of them without saying so ("within 20 school days", "within 2 days", "within
maximum of six weeks", "12 weeks"), and the difference matters most across a holiday: two school days
from Friday 17 July 2026 is Wednesday 2 September (after the summer), two working days is Tuesday
21 July. Each deadline in the policy names its unit; this module does the arithmetic for all five.

- ``school_days``: days pupils are taught (the school calendar: terms, less bank holidays and INSET).
- ``working_days``: weekdays less England's bank holidays: the authority's own offices, which work
  through school holidays.
- ``school_weeks``: weeks (Monday to Friday) with at least one school day; holiday weeks do not count.
- ``calendar_days`` and ``calendar_weeks``: plain days and 7-day weeks.
"""
from __future__ import annotations

from datetime import date, timedelta

__all__ = ["DAY_UNITS", "UNITS", "WEEK_UNITS", "add", "days_before", "is_working_day", "week_mondays"]

DAY_UNITS = ("school_days", "working_days", "calendar_days")
WEEK_UNITS = ("school_weeks", "calendar_weeks")
UNITS = DAY_UNITS + WEEK_UNITS


def _check(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown deadline unit {unit!r} (expected one of: {', '.join(UNITS)})")


def is_working_day(calendar, d: date) -> bool:
    """A weekday that is not a bank holiday (of ``calendar``'s bank holidays)."""
    return d.weekday() < 5 and d not in calendar.bank_holidays(d.year)


def _is_day(calendar, d: date, unit: str) -> bool:
    if unit == "school_days":
        return calendar.is_school_day(d)
    if unit == "working_days":
        return is_working_day(calendar, d)
    return True


def _has_school_day(calendar, monday: date) -> bool:
    return any(calendar.is_school_day(monday + timedelta(days=d)) for d in range(5))


def week_mondays(calendar, start: date, n: int, unit: str) -> list[date]:
    """The Mondays of the first ``n`` weeks from ``start``'s own week, counting only weeks with a school
    day when ``unit`` is ``school_weeks`` and every week when it is ``calendar_weeks``."""
    if unit not in WEEK_UNITS:
        raise ValueError(f"{unit!r} is not a unit of weeks (expected one of: {', '.join(WEEK_UNITS)})")
    monday, weeks = start - timedelta(days=start.weekday()), []
    while len(weeks) < n:
        if unit == "calendar_weeks" or _has_school_day(calendar, monday):
            weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def add(calendar, start: date, n: int, unit: str) -> date:
    """The date ``n`` units after ``start`` (``start`` itself not counted; ``n == 0`` gives ``start``).

    Days: the ``n``-th such day after ``start``. Weeks: the same weekday ``n`` weeks on, where for
    ``school_weeks`` a week with no school day in it (a half-term, the summer) is skipped.
    """
    _check(unit)
    if n < 0:
        raise ValueError(f"a deadline needs a count of 0 or more, got {n}")
    if n == 0:
        return start
    if unit == "school_days":
        return calendar.add_school_days(start, n)
    if unit == "calendar_days":
        return start + timedelta(days=n)
    if unit == "calendar_weeks":
        return start + timedelta(weeks=n)
    if unit == "working_days":
        day = start
        while n:
            day += timedelta(days=1)
            n -= is_working_day(calendar, day)
        return day
    monday = week_mondays(calendar, start + timedelta(weeks=1), n, "school_weeks")[-1]
    return monday + timedelta(days=start.weekday())


def days_before(calendar, due: date, n: int, unit: str) -> date:
    """The ``n``-th day of ``unit`` (a unit of days) before ``due``."""
    if unit not in DAY_UNITS:
        raise ValueError(f"{unit!r} is not a unit of days (expected one of: {', '.join(DAY_UNITS)})")
    day = due
    while n > 0:
        day -= timedelta(days=1)
        n -= _is_day(calendar, day, unit)
    return day

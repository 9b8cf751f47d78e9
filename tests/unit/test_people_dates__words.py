"""Dates as "14 May 2012" and times in Europe/London, for pages and emails."""
from __future__ import annotations

from datetime import UTC, date, datetime

from engine.people_dates import people_date


def test_a_date_is_written_in_words():
    assert people_date("2012-05-14") == "14 May 2012"
    assert people_date(date(2012, 5, 4)) == "4 May 2012"


def test_a_moment_is_shown_in_london_time():
    assert people_date("2026-06-10T10:30:00+00:00", time=True) == "10 June 2026, 11:30"
    assert people_date(datetime(2026, 6, 10, 10, 30), time=True) == "10 June 2026, 11:30"  # naive: stored UTC
    assert people_date(datetime(2026, 12, 10, 10, 30, tzinfo=UTC), time=True) == "10 December 2026, 10:30"
    assert people_date("2026-06-10T23:30:00Z") == "11 June 2026"  # already the next day in England


def test_anything_else_is_left_as_it_is():
    for value in ("Kim Placement", "12", "20120514", "2012-13-45", 91.5, True):
        assert people_date(value) == value
    assert people_date(None) == "" and people_date("") == ""

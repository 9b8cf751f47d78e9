"""The authority's calendar from a file of its own, and a school's own INSET days on top of it."""
from __future__ import annotations

from datetime import date

import pytest

from schooling.calendar import SchoolCalendar
from schooling.policy import load_policy

CALENDAR = """
[calendar]
terms = [["2026-09-01", "2026-10-23"], ["2026-11-02", "2026-12-18"]]
inset_days = ["2026-09-01"]
[calendar.school_inset_days]
"Kingsmead High School" = ["2026-10-12", "2026-10-23"]
"""


def test_the_authority_calendar_file_is_read_relative_to_the_policy(tmp_path):
    (tmp_path / "our-calendar.toml").write_text(CALENDAR)
    (tmp_path / "policy.toml").write_text('calendar_file = "our-calendar.toml"\n')
    calendar = load_policy(tmp_path / "policy.toml").school_calendar()
    assert calendar.terms[0] == (date(2026, 9, 1), date(2026, 10, 23))
    assert not calendar.is_school_day(date(2026, 10, 26))  # the file's half-term
    # a school's own INSET days close that school only
    kingsmead = calendar.for_school("Kingsmead High School")
    assert calendar.is_school_day(date(2026, 10, 12)) and not kingsmead.is_school_day(date(2026, 10, 12))
    assert calendar.for_school("Hollybrook High School") is calendar
    # 5 school days from Friday 9 October 2026: 16 October for the authority, 19 October at Kingsmead
    assert calendar.add_school_days(date(2026, 10, 9), 5) == date(2026, 10, 16)
    assert kingsmead.add_school_days(date(2026, 10, 9), 5) == date(2026, 10, 19)


@pytest.mark.parametrize("policy, message", [
    ('calendar_file = "missing.toml"\n', r"calendar_file .*missing.toml does not exist"),
    ('calendar_file = "our-calendar.toml"\n[calendar]\nterms = []\n', "either as \\[calendar\\] or as calendar_file"),
])
def test_a_bad_calendar_file_is_refused_naming_it(tmp_path, policy, message):
    (tmp_path / "our-calendar.toml").write_text(CALENDAR)
    (tmp_path / "policy.toml").write_text(policy)
    with pytest.raises(ValueError, match=message):
        load_policy(tmp_path / "policy.toml")


def test_school_inset_days_must_be_a_table_of_dates():
    with pytest.raises(ValueError, match=r"school_inset_days\['Kingsmead'\]\[0\]: 'soon' is not a valid date"):
        SchoolCalendar.from_config({"school_inset_days": {"Kingsmead": ["soon"]}})

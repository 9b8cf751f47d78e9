"""Every deadline in the shipped policy names its unit, and each is worked with exact dates across a
half-term and across the summer holiday (England 2026/27 and the shipped term dates)."""
from __future__ import annotations

import tomllib
from datetime import date

import pytest

from schooling import deadline_units
from schooling.policy import DEADLINE_UNITS, DEFAULT_POLICY_PATH, load_policy

POLICY = load_policy()

# (deadline, start, count, due across a half-term, start, due across the summer)
WORKED = {
    # 20 school days: 19 October 2026 runs over October half-term (26-30 Oct); 17 July 2026 over the
    # summer (20 July is INSET, 1-2 September are INSET).
    "fair_access_school_days": (date(2026, 10, 19), 20, date(2026, 11, 23), date(2026, 7, 17), date(2026, 9, 30)),
    # 2 working days: the LA's office is open in half-term and in the summer.
    "la_notice_days": (date(2026, 10, 23), 2, date(2026, 10, 27), date(2026, 7, 17), date(2026, 7, 21)),
    # A review 2 calendar weeks after Monday 12 October 2026 falls in half-term (moved back by the
    # reviews' own rule); after Monday 13 July 2026 it falls in the summer.
    "review_weeks": (date(2026, 10, 12), 2, date(2026, 10, 26), date(2026, 7, 13), date(2026, 7, 27)),
    "final_review_max_weeks": (date(2026, 10, 12), 6, date(2026, 11, 23), date(2026, 7, 13), date(2026, 8, 24)),
    # Dual registration by the start date itself (0 school days), whatever the holiday before it.
    "dual_registration_school_days": (date(2026, 11, 2), 0, date(2026, 11, 2), date(2026, 9, 3), date(2026, 9, 3)),
    # 6 school weeks: half-term and the summer are not weeks of a part-time timetable (the week of
    # 31 August counts: 3 and 4 September are school days).
    "timetable_max_weeks": (date(2026, 10, 12), 6, date(2026, 11, 30), date(2026, 7, 13), date(2026, 10, 5)),
    # 12 calendar weeks on the programme, holidays included.
    "placement_max_weeks": (date(2026, 9, 7), 12, date(2026, 11, 30), date(2026, 6, 1), date(2026, 8, 24)),
    # 9 calendar weeks of advocacy, bridging the summer as the HNRG advocacy pilot's pilot did.
    "advocacy_weeks": (date(2026, 10, 12), 9, date(2026, 12, 14), date(2026, 7, 13), date(2026, 9, 14)),
    # Reminders 2 school days before: a deadline just after half-term / the summer is reminded before it.
    "reminder_school_days": (date(2026, 11, 2), 2, date(2026, 10, 22), date(2026, 9, 3), date(2026, 7, 16)),
    # The AP's Leavers Form, if an authority allows 2 school days after the pupil goes on the host roll (the
    # shipped 0 is that day): Friday 23 October 2026 runs over half-term; Friday 17 July 2026 over the summer.
    "leavers_form_days": (date(2026, 10, 23), 2, date(2026, 11, 3), date(2026, 7, 17), date(2026, 9, 4)),
    # Escalations repeat every 7 calendar days.
    "escalation_repeat_days": (date(2026, 10, 23), 7, date(2026, 10, 30), date(2026, 7, 21), date(2026, 7, 28)),
}


def test_every_deadline_in_the_shipped_file_names_its_unit_beside_it():
    raw = tomllib.loads(DEFAULT_POLICY_PATH.read_text())
    text = DEFAULT_POLICY_PATH.read_text()
    for name, (default, allowed) in DEADLINE_UNITS.items():
        assert raw[f"{name}_unit"] == default, name
        assert default in allowed
        # the unit sits on the line after the value, so the seed's wording above covers both
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        assert lines[at + 1].startswith(f"{name}_unit ="), name
    assert set(WORKED) == set(DEADLINE_UNITS)


@pytest.mark.parametrize("name", sorted(WORKED))
def test_each_deadline_worked_across_a_half_term_and_the_summer(name):
    start_ht, count, due_ht, start_summer, due_summer = WORKED[name]
    calendar, unit = POLICY.school_calendar(), POLICY.unit(name)
    if name == "reminder_school_days":
        assert deadline_units.days_before(calendar, start_ht, count, unit) == due_ht
        assert deadline_units.days_before(calendar, start_summer, count, unit) == due_summer
        return
    assert deadline_units.add(calendar, start_ht, count, unit) == due_ht
    assert deadline_units.add(calendar, start_summer, count, unit) == due_summer


def test_the_la_notice_is_working_days_not_school_days():
    """A plan signed on Friday 17 July 2026 reaches the LA by Tuesday 21 July, not 4 September."""
    assert POLICY.unit("la_notice_days") == "working_days"
    assert POLICY.add("la_notice_days", date(2026, 7, 17)) == date(2026, 7, 21)
    assert POLICY.school_calendar().add_school_days(date(2026, 7, 17), 2) == date(2026, 9, 4)
    # working days still skip bank holidays: Christmas 2026 (Friday 25, Monday 28 December substitute)
    assert POLICY.add("la_notice_days", date(2026, 12, 24)) == date(2026, 12, 30)


def test_an_authority_chooses_another_unit(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(DEFAULT_POLICY_PATH.read_text()
                    .replace('la_notice_days_unit = "working_days"', 'la_notice_days_unit = "school_days"')
                    .replace('placement_max_weeks_unit = "calendar_weeks"', 'placement_max_weeks_unit = "school_weeks"'))
    policy = load_policy(path)
    assert policy.add("la_notice_days", date(2026, 7, 17)) == date(2026, 9, 4)
    # 12 school weeks from Monday 7 September 2026 step over the October half-term
    assert policy.add("placement_max_weeks", date(2026, 9, 7)) == date(2026, 12, 7)
    assert policy.unit("fair_access_school_days") == "school_days"


@pytest.mark.parametrize("text, message", [
    ('la_notice_days_unit = "school_weeks"', r"la_notice_days_unit must be one of school_days, working_days"),
    ('review_weeks_unit = "days"', r"review_weeks_unit must be one of school_weeks, calendar_weeks"),
    ('escalation_repeat_days_unit = "school_days"', r"escalation_repeat_days_unit must be one of calendar_days"),
    ('colour_unit = "blue"', r"unknown policy key 'colour_unit'"),
])
def test_a_wrong_unit_is_refused_naming_the_key(tmp_path, text, message):
    path = tmp_path / "policy.toml"
    path.write_text(text + "\n")
    with pytest.raises(ValueError, match=message):
        load_policy(path)


def test_school_weeks_skip_weeks_without_a_school_day():
    calendar = POLICY.school_calendar()
    # a part-time timetable from Monday 9 March 2026: Easter (30 March - 10 April) is not counted
    mondays = deadline_units.week_mondays(calendar, date(2026, 3, 9), 6, "school_weeks")
    assert mondays[-1] == date(2026, 4, 27)
    assert deadline_units.week_mondays(calendar, date(2026, 3, 9), 6, "calendar_weeks")[-1] == date(2026, 4, 13)
    with pytest.raises(ValueError, match="unknown deadline unit 'fortnights'"):
        deadline_units.add(calendar, date(2026, 3, 9), 1, "fortnights")

"""Loading authority policy from TOML: defaults, overrides, errors, and the shipped file."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from schooling.policy import DEFAULT_POLICY_PATH, Policy, load_policy

REPO_ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_seed_values() -> None:
    policy = Policy()
    assert policy.fair_access_school_days == 20
    assert policy.review_weeks == (2, 4, 6)
    assert policy.final_review_max_weeks == 6
    assert policy.timetable_max_weeks == 6
    assert policy.la_notice_days == 2
    assert policy.placement_max_weeks == 12
    assert policy.core_places_per_school_per_term == 2
    assert policy.escalation_hour == 9
    assert policy.timezone == "Europe/London"
    assert policy.calendar == {}


def test_policy_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Policy().fair_access_school_days = 10  # type: ignore[misc]


def test_override_one_value_keeps_the_other_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "fair_access_school_days = 15\nreview_weeks = [1, 3]\n"))
    assert policy.fair_access_school_days == 15
    assert policy.review_weeks == (1, 3)
    assert policy.timetable_max_weeks == 6
    assert policy.authority_name == Policy().authority_name
    # No terms: the calendar falls back to weekdays minus England's bank holidays.
    assert policy.school_calendar().is_school_day(date(2026, 8, 3))
    assert not policy.school_calendar().is_school_day(date(2026, 8, 31))


def test_unknown_key_names_the_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, "fair_acess_school_days = 15\n")
    with pytest.raises(ValueError, match=r"unknown policy key 'fair_acess_school_days'") as error:
        load_policy(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fair_access_school_days = "20"', r"fair_access_school_days must be an integer"),
        ("fair_access_school_days = true", r"fair_access_school_days must be an integer"),
        ("placement_max_weeks = 0", r"placement_max_weeks must be a positive integer"),
        ('review_weeks = [2, "4"]', r"review_weeks must be a non-empty list of positive integers"),
        ("review_weeks = [4, 2]", r"review_weeks must be in increasing order"),
        ("escalation_hour = 24", r"escalation_hour must be an hour from 0 to 23"),
        ("authority_name = 3", r"authority_name must be a non-empty string"),
        ('timezone = "Europe/Worcester"', r"timezone: unknown time zone"),
        ('calendar = "2025"', r"calendar must be a table"),
    ],
)
def test_wrong_type_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_policy(write(tmp_path, text + "\n"))


def test_calendar_errors_name_the_file_and_entry(tmp_path: Path) -> None:
    path = write(tmp_path, '[calendar]\nterms = [["2025-10-24", "2025-09-03"]]\n')
    with pytest.raises(ValueError, match=r"calendar: terms\[0\]: end 2025-09-03 is before start") as error:
        load_policy(path)
    assert str(path) in str(error.value)
    with pytest.raises(ValueError, match=r"unknown calendar key 'half_terms'"):
        load_policy(write(tmp_path, "[calendar]\nhalf_terms = []\n"))


def test_invalid_toml_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"invalid TOML"):
        load_policy(write(tmp_path, "fair_access_school_days = \n"))


def test_native_toml_dates_are_accepted(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "[calendar]\nterms = [[2025-09-03, 2025-10-24]]\n"))
    calendar = policy.school_calendar()
    assert calendar.is_school_day(date(2025, 9, 3))
    assert not calendar.is_school_day(date(2025, 10, 27))


def test_school_calendar_is_built_once_per_config(tmp_path: Path) -> None:
    path = write(tmp_path, '[calendar]\ninset_days = ["2025-09-01"]\n')
    first, second = load_policy(path), load_policy(path)
    assert first.school_calendar() is first.school_calendar()
    assert first.school_calendar() is second.school_calendar()
    assert first.school_calendar() is not Policy().school_calendar()


def test_shipped_policy_loads_with_about_190_school_days() -> None:
    assert DEFAULT_POLICY_PATH == REPO_ROOT / "processes" / "policy.toml"
    policy = load_policy()
    assert policy == load_policy(DEFAULT_POLICY_PATH)
    assert policy.fair_access_school_days == 20
    calendar = policy.school_calendar()
    assert len(calendar.terms) == 18
    for academic_year in (2025, 2026, 2027):
        count = calendar.school_days_in_academic_year(academic_year)
        assert 185 <= count <= 195, (academic_year, count)
    # The last school day of 2025/26 is Friday 17 July: Monday 20 July is an INSET day.
    count = calendar.school_days_in_academic_year(2025)
    assert calendar.add_school_days(date(2025, 8, 31), count) == date(2026, 7, 17)
    # Same referral as the calendar test, but the shipped file has an INSET day on 1 June 2026.
    assert calendar.add_school_days(date(2026, 4, 27), policy.fair_access_school_days) == date(2026, 6, 3)

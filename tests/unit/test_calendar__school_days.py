"""School-day rules and arithmetic of schooling.calendar.SchoolCalendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schooling.calendar import SchoolCalendar, academic_year_of

# 2025/26 as six half-term spans (the same as processes/policy.toml), so that the tests do not
# depend on the shipped file; only three INSET days, to keep the hand counts below short.
TERMS_2025_26 = [
    ["2025-09-01", "2025-10-24"],
    ["2025-11-03", "2025-12-19"],
    ["2026-01-05", "2026-02-13"],
    ["2026-02-23", "2026-03-27"],
    ["2026-04-13", "2026-05-22"],
    ["2026-06-01", "2026-07-20"],
]


@pytest.fixture
def calendar() -> SchoolCalendar:
    """A calendar configured for 2025/26 only, with England's real bank holidays."""
    return SchoolCalendar.from_config(
        {
            "terms": TERMS_2025_26,
            "inset_days": ["2025-09-01", "2025-09-02", "2026-01-05"],
            "closures": ["2026-03-10"],
        }
    )


@pytest.fixture
def weekdays_only() -> SchoolCalendar:
    """No terms configured: every date falls back to weekdays minus bank holidays."""
    return SchoolCalendar()


def test_weekends_are_not_school_days(calendar: SchoolCalendar) -> None:
    assert calendar.is_school_day(date(2025, 9, 5))  # Friday
    assert not calendar.is_school_day(date(2025, 9, 6))  # Saturday
    assert not calendar.is_school_day(date(2025, 9, 7))  # Sunday
    assert calendar.add_school_days(date(2025, 9, 5), 1) == date(2025, 9, 8)
    assert calendar.next_school_day(date(2025, 9, 6)) == date(2025, 9, 8)


def test_bank_holidays_are_not_school_days(calendar: SchoolCalendar, weekdays_only: SchoolCalendar) -> None:
    # Early May bank holiday, inside summer half-term 1.
    assert not calendar.is_school_day(date(2026, 5, 4))
    assert calendar.is_school_day(date(2026, 5, 5))
    # Christmas 2026: Boxing Day is a Saturday, so Monday 28 December is the substitute day.
    assert weekdays_only.is_school_day(date(2026, 12, 24))
    assert not weekdays_only.is_school_day(date(2026, 12, 25))
    assert not weekdays_only.is_school_day(date(2026, 12, 28))
    assert weekdays_only.is_school_day(date(2026, 12, 29))
    assert weekdays_only.add_school_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_half_term_gap_is_a_holiday(calendar: SchoolCalendar) -> None:
    for day in range(27, 32):
        assert not calendar.is_school_day(date(2025, 10, day)), f"2025-10-{day} is October half-term"
    assert calendar.add_school_days(date(2025, 10, 24), 1) == date(2025, 11, 3)
    assert calendar.school_days_between(date(2025, 10, 24), date(2025, 11, 3)) == 1


def test_inset_days_and_closures_are_not_school_days(calendar: SchoolCalendar) -> None:
    assert not calendar.is_school_day(date(2025, 9, 1))  # INSET, first day of term
    assert not calendar.is_school_day(date(2025, 9, 2))  # INSET
    assert calendar.is_school_day(date(2025, 9, 3))
    assert calendar.next_school_day(date(2025, 9, 1)) == date(2025, 9, 3)
    assert not calendar.is_school_day(date(2026, 3, 10))  # closure
    # Across the new year: term resumes on 5 January 2026, an INSET day.
    assert calendar.add_school_days(date(2025, 12, 19), 1) == date(2026, 1, 6)
    assert calendar.inset_days == {date(2025, 9, 1), date(2025, 9, 2), date(2026, 1, 5)}
    assert calendar.closures == {date(2026, 3, 10)}


def test_twenty_school_days_across_bank_holiday_and_half_term(
    calendar: SchoolCalendar, weekdays_only: SchoolCalendar
) -> None:
    # Fair Access referral on Monday 27 April 2026. Counting the days after it:
    #   28, 29, 30 Apr, 1 May                  -> 1..4
    #   4 May Early May bank holiday           -> skipped
    #   5-8 May                                -> 5..8
    #   11-15 May                              -> 9..13
    #   18-22 May                              -> 14..18
    #   25-29 May half-term (25th also a bank holiday) -> skipped
    #   Mon 1 Jun, Tue 2 Jun                   -> 19, 20
    referral = date(2026, 4, 27)
    assert calendar.add_school_days(referral, 20) == date(2026, 6, 2)
    assert calendar.school_days_between(referral, date(2026, 6, 2)) == 20
    assert calendar.school_days_between(referral, date(2026, 6, 1)) == 19
    # Without term dates only the bank holidays are skipped: 22 May is the 18th, 26 May the 19th.
    assert weekdays_only.add_school_days(referral, 20) == date(2026, 5, 27)


def test_zero_days_returns_start_even_on_a_weekend(calendar: SchoolCalendar) -> None:
    saturday = date(2025, 9, 6)
    assert calendar.add_school_days(saturday, 0) == saturday
    assert calendar.school_days_between(saturday, saturday) == 0


def test_negative_days_are_refused(calendar: SchoolCalendar) -> None:
    with pytest.raises(ValueError, match=r"n >= 0, got -1"):
        calendar.add_school_days(date(2025, 9, 8), -1)


def test_school_days_between_is_antisymmetric(calendar: SchoolCalendar) -> None:
    a, b = date(2026, 4, 27), date(2026, 6, 2)
    assert calendar.school_days_between(b, a) == -20


def test_between_inverts_add_across_holidays_and_years(calendar: SchoolCalendar) -> None:
    start = date(2025, 7, 1)
    for offset in range(0, 500, 7):
        origin = start + timedelta(days=offset)
        for n in (1, 5, 20, 60, 300):
            due = calendar.add_school_days(origin, n)
            assert calendar.is_school_day(due)
            assert calendar.school_days_between(origin, due) == n, (origin, n)


def test_academic_years_without_terms_fall_back_to_weekdays(calendar: SchoolCalendar) -> None:
    # Summer holiday of 2025/26, a configured year: no school.
    assert not calendar.is_school_day(date(2026, 8, 3))
    # 2024/25 and 2026/27 have no configured terms: weekdays minus bank holidays.
    assert calendar.is_school_day(date(2025, 8, 4))
    assert calendar.is_school_day(date(2026, 9, 7))
    assert not calendar.is_school_day(date(2025, 8, 25))  # summer bank holiday 2025
    assert calendar.is_school_day(date(2030, 8, 5))
    # From the 2024/25 fallback into 2025/26, whose first two days are INSET.
    assert calendar.add_school_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
    # From the end of summer term 2026 into the 2026/27 fallback (31 August is a bank holiday).
    assert calendar.add_school_days(date(2026, 7, 20), 1) == date(2026, 9, 1)
    assert academic_year_of(date(2026, 8, 31)) == 2025
    assert academic_year_of(date(2026, 9, 1)) == 2026


def test_school_year_count(calendar: SchoolCalendar) -> None:
    # Weekdays inside the six spans: 8 weeks (1 Sep-24 Oct) = 40, 7 weeks = 35, 6 weeks = 30,
    # 5 weeks = 25, 6 weeks = 30, 7 weeks + Mon 20 Jul = 36: 196 in all. Less the Early May bank
    # holiday (the only one inside the spans), 3 INSET days and 1 closure: 191.
    assert calendar.school_days_in_academic_year(2025) == 191


def test_injected_bank_holidays_are_used_and_fetched_once_per_year() -> None:
    fetched: list[int] = []

    def bank_holidays(year: int) -> list[date]:
        fetched.append(year)
        return [date(year, 6, 15)]

    calendar = SchoolCalendar(bank_holidays=bank_holidays)
    for _ in range(1000):
        calendar.add_school_days(date(2026, 6, 12), 1)
    assert calendar.add_school_days(date(2026, 6, 12), 1) == date(2026, 6, 16)  # Mon 15th is a holiday
    assert fetched == [2026]

    fixed = SchoolCalendar(bank_holidays=[date(2026, 5, 4)])
    assert not fixed.is_school_day(date(2026, 5, 4))
    assert fixed.is_school_day(date(2026, 5, 25))  # the real Spring bank holiday, not in the list


def test_terms_are_validated_in_the_constructor() -> None:
    with pytest.raises(ValueError, match=r"terms\[0\]: end 2025-09-01 is before start 2025-09-03"):
        SchoolCalendar(terms=[(date(2025, 9, 3), date(2025, 9, 1))])


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"terms": [["2025-09-03", "2025-13-01"]]}, r"terms\[0\]\[1\]: '2025-13-01' is not a valid date"),
        ({"terms": [["2025-10-24", "2025-09-03"]]}, r"terms\[0\]: end 2025-09-03 is before start 2025-10-24"),
        (
            {"terms": [["2025-09-03", "2025-10-24"], ["2025-10-20", "2025-12-19"]]},
            r"terms\[1\] \(2025-10-20 to 2025-12-19\) overlaps terms\[0\]",
        ),
        ({"terms": [["2025-09-03"]]}, r"terms\[0\]: expected \[start, end\]"),
        ({"terms": "2025-09-03"}, r"terms: expected a list"),
        ({"inset_days": ["2025-09-01", "1 Sept"]}, r"inset_days\[1\]: '1 Sept' is not a valid date"),
        ({"closures": "2025-09-01"}, r"closures: expected a list of dates"),
        ({"term": []}, r"unknown calendar key 'term'"),
    ],
)
def test_from_config_rejects_bad_input(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SchoolCalendar.from_config(config)


def test_from_config_accepts_date_objects_and_sorts_terms() -> None:
    calendar = SchoolCalendar.from_config(
        {"terms": [(date(2025, 11, 3), date(2025, 12, 19)), ("2025-09-01", "2025-10-24")]}
    )
    assert calendar.terms == (
        (date(2025, 9, 1), date(2025, 10, 24)),
        (date(2025, 11, 3), date(2025, 12, 19)),
    )
    assert calendar.is_school_day(date(2025, 9, 1))

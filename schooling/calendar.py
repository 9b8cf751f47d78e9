"""School-day calendar: England's bank holidays plus an authority's term dates, INSET days and closures.

Statutory deadlines such as the Fair Access offer "within 20 school days" (the Worcestershire protocol) are counted
in school days, so the engine needs a calendar that knows weekends, bank holidays, half-terms and
the days a school is shut to pupils. Term dates vary by authority, so they come from configuration
(``processes/policy.toml``, or the authority's own file). Once any term is configured, a date in an
academic year without configured terms is refused (``MissingCalendarYear``, naming the year) rather
than counted as if its holidays were school days; a calendar with no terms at all counts weekdays
less bank holidays.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

__all__ = ["MissingCalendarYear", "SchoolCalendar", "academic_year_label", "academic_year_of", "england_bank_holidays"]

BankHolidays = Callable[[int], Iterable[date]] | Iterable[date] | None

_CONFIG_KEYS = frozenset({"terms", "inset_days", "closures", "school_inset_days"})


def academic_year_of(d: date) -> int:
    """Return the calendar year in which ``d``'s academic year (1 September to 31 August) starts."""
    return d.year if d.month >= 9 else d.year - 1


def academic_year_label(year: int) -> str:
    """The academic year starting in September of ``year``, as "2028/29"."""
    return f"{year}/{(year + 1) % 100:02d}"


class MissingCalendarYear(ValueError):
    """A date falls in an academic year whose terms the calendar does not have."""

    def __init__(self, year: int, configured: frozenset[int]):
        self.year = year
        covers = (f"it has {academic_year_label(min(configured))} to {academic_year_label(max(configured))}"
                  if configured else "it has none")
        super().__init__(
            f"the school calendar has no term dates for {academic_year_label(year)} (1 September {year} to "
            f"31 August {year + 1}); {covers}. Add {academic_year_label(year)}'s terms and INSET days to the "
            "authority's calendar (the file REINTEGRATE_CALENDAR names, or calendar_file or [calendar] in the policy)")


def england_bank_holidays(year: int) -> frozenset[date]:
    """Return England's bank holidays in calendar ``year``, from the ``holidays`` package (offline).

    Substitute ("observed") days are included, so a Christmas falling on a Saturday also yields the
    following Monday and Tuesday. Weekend dates in the result are harmless: weekends are not school
    days anyway.
    """
    import holidays  # imported lazily: the package is large and only needed on first use

    # Copy the keys into a frozenset: membership tests on a ``holidays`` object silently expand it
    # to the queried date's year, which would make a per-year cache lie.
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(d for d in found if d.year == year)


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{where}: {value!r} is a date and time; give a date only (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{where}: {value!r} is not a valid date (expected YYYY-MM-DD)")


def _parse_dates(values: object, where: str) -> list[date]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(f"{where}: expected a list of dates, got {values!r}")
    return [_parse_date(value, f"{where}[{i}]") for i, value in enumerate(values)]


def _validate_terms(terms: Sequence[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    """Check each span and that no two overlap; return them sorted by start."""
    for i, (start, end) in enumerate(terms):
        if end < start:
            raise ValueError(f"terms[{i}]: end {end.isoformat()} is before start {start.isoformat()}")
    order = sorted(range(len(terms)), key=lambda i: terms[i][0])
    for previous, current in zip(order, order[1:], strict=False):
        if terms[current][0] <= terms[previous][1]:
            raise ValueError(
                f"terms[{current}] ({terms[current][0].isoformat()} to {terms[current][1].isoformat()}) "
                f"overlaps terms[{previous}] ({terms[previous][0].isoformat()} to "
                f"{terms[previous][1].isoformat()})"
            )
    return tuple(terms[i] for i in order)


class SchoolCalendar:
    """Which dates are school days, and school-day arithmetic over them.

    A school day is a weekday that is not an England bank holiday, an INSET day or a closure and falls
    inside a configured term. Asking about a date in an academic year with no configured term raises
    ``MissingCalendarYear``; only a calendar with no terms at all counts weekdays less bank holidays.

    Results are computed per calendar year on first use and cached on the instance, so repeated
    deadline arithmetic costs a couple of binary searches.
    """

    def __init__(
        self,
        terms: Sequence[tuple[date, date]] = (),
        inset_days: Iterable[date] = (),
        closures: Iterable[date] = (),
        bank_holidays: BankHolidays = None,
        school_inset_days: Mapping[str, Iterable[date]] | None = None,
    ) -> None:
        """Build a calendar.

        ``terms`` are inclusive (start, end) spans, typically one per half-term; the gaps between
        them are holidays. ``bank_holidays`` is either a function from a calendar year to that
        year's bank holidays, a fixed collection of dates, or ``None`` for England's bank holidays
        from the ``holidays`` package.
        """
        self._terms = _validate_terms([(start, end) for start, end in terms])
        self._inset_days = frozenset(inset_days)
        self._closures = frozenset(closures)
        self._closed = self._inset_days | self._closures
        self._term_ordinals = frozenset(
            ordinal for start, end in self._terms for ordinal in range(start.toordinal(), end.toordinal() + 1)
        )
        self._configured_years = frozenset(
            academic_year_of(date.fromordinal(ordinal)) for ordinal in self._term_ordinals
        )
        if bank_holidays is None:
            self._bank_holidays_for: Callable[[int], Iterable[date]] = england_bank_holidays
        elif callable(bank_holidays):
            self._bank_holidays_for = bank_holidays
        else:
            fixed = frozenset(bank_holidays)
            self._bank_holidays_for = lambda year: (d for d in fixed if d.year == year)
        self._bank_holiday_cache: dict[int, frozenset[date]] = {}
        self._school_days_cache: dict[int, tuple[list[int], frozenset[int]]] = {}
        self._school_inset = {name: frozenset(days) for name, days in (school_inset_days or {}).items()}
        self._per_school: dict[str, SchoolCalendar] = {}

    def for_school(self, school: str | None) -> SchoolCalendar:
        """This calendar with ``school``'s own INSET days closed too (academies set their own); the
        authority's calendar itself for a school that has none."""
        extra = self._school_inset.get(school or "")
        if not extra:
            return self
        found = self._per_school.get(school)
        if found is None:
            found = SchoolCalendar(self._terms, self._inset_days | extra, self._closures, self._bank_holidays_for)
            self._per_school[school] = found
        return found

    @classmethod
    def from_config(cls, config: Mapping[str, Any], bank_holidays: BankHolidays = None) -> SchoolCalendar:
        """Build a calendar from a plain mapping, as found in ``policy.toml``.

        Shape: ``{"terms": [["2025-09-03", "2025-10-24"], ...], "inset_days": [...], "closures": [...]}``.
        Dates may be ISO strings or ``date`` objects; every key is optional. Raises ``ValueError``
        naming the offending entry for unknown keys, bad dates, a term ending before it starts, or
        overlapping terms.
        """
        if not isinstance(config, Mapping):
            raise ValueError(f"calendar config must be a mapping, got {type(config).__name__}")
        unknown = sorted(set(config) - _CONFIG_KEYS)
        if unknown:
            raise ValueError(
                f"unknown calendar key {unknown[0]!r} (expected one of: {', '.join(sorted(_CONFIG_KEYS))})"
            )
        raw_terms = config.get("terms", ())
        if isinstance(raw_terms, str | bytes) or not isinstance(raw_terms, Iterable):
            raise ValueError(f"terms: expected a list of [start, end] pairs, got {raw_terms!r}")
        terms: list[tuple[date, date]] = []
        for i, span in enumerate(raw_terms):
            if isinstance(span, str | bytes) or not isinstance(span, Sequence) or len(span) != 2:
                raise ValueError(f"terms[{i}]: expected [start, end], got {span!r}")
            terms.append((_parse_date(span[0], f"terms[{i}][0]"), _parse_date(span[1], f"terms[{i}][1]")))
        schools = config.get("school_inset_days", {})
        if isinstance(schools, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in schools):
            schools = dict(schools)  # a policy's frozen (hashable) copy of the table
        if not isinstance(schools, Mapping):
            raise ValueError(f"school_inset_days: expected a table of school name = [dates], got {schools!r}")
        return cls(
            terms=terms,
            inset_days=_parse_dates(config.get("inset_days", ()), "inset_days"),
            closures=_parse_dates(config.get("closures", ()), "closures"),
            bank_holidays=bank_holidays,
            school_inset_days={name: _parse_dates(days, f"school_inset_days[{name!r}]") for name, days in schools.items()},
        )

    @property
    def terms(self) -> tuple[tuple[date, date], ...]:
        """The configured term spans, sorted by start date."""
        return self._terms

    @property
    def inset_days(self) -> frozenset[date]:
        """The configured INSET (staff training) days."""
        return self._inset_days

    @property
    def inset_schools(self) -> tuple[str, ...]:
        """The names of the schools given INSET days of their own, sorted."""
        return tuple(sorted(self._school_inset))

    @property
    def closures(self) -> frozenset[date]:
        """The configured closure days."""
        return self._closures

    def bank_holidays(self, year: int) -> frozenset[date]:
        """England's bank holidays (or the injected ones) in calendar ``year``, cached per year."""
        found = self._bank_holiday_cache.get(year)
        if found is None:
            found = frozenset(d for d in self._bank_holidays_for(year) if d.year == year)
            self._bank_holiday_cache[year] = found
        return found

    def _school_days(self, year: int) -> tuple[list[int], frozenset[int]]:
        """Sorted ordinals of calendar ``year``'s school days, and the same as a set."""
        cached = self._school_days_cache.get(year)
        if cached is not None:
            return cached
        if not date.min.year <= year <= date.max.year:
            raise OverflowError(f"year {year} is outside the supported date range")
        holidays = self.bank_holidays(year)
        ordinals: list[int] = []
        for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
            d = date.fromordinal(ordinal)
            if d.weekday() >= 5 or d in holidays or d in self._closed:
                continue
            if academic_year_of(d) in self._configured_years and ordinal not in self._term_ordinals:
                continue
            ordinals.append(ordinal)
        cached = (ordinals, frozenset(ordinals))
        self._school_days_cache[year] = cached
        return cached

    @property
    def configured_years(self) -> frozenset[int]:
        """The academic years (by the calendar year they start in) that have configured terms."""
        return self._configured_years

    def _require(self, first: date, last: date) -> None:
        """Refuse a count that touches a day from ``first`` to ``last`` in an academic year without terms."""
        if not self._configured_years:
            return
        for year in range(academic_year_of(first), academic_year_of(last) + 1):
            if year not in self._configured_years:
                raise MissingCalendarYear(year, self._configured_years)

    def is_school_day(self, d: date) -> bool:
        """Whether pupils are taught on ``d``."""
        self._require(d, d)
        return d.toordinal() in self._school_days(d.year)[1]

    def add_school_days(self, start: date, n: int) -> date:
        """Return the ``n``-th school day after ``start`` (``start`` itself is not counted).

        ``n == 0`` returns ``start`` unchanged, even if it is not a school day.
        """
        if n < 0:
            raise ValueError(f"add_school_days needs n >= 0, got {n}; count forwards from an earlier date")
        if n == 0:
            return start
        year = start.year
        ordinals = self._school_days(year)[0]
        index = bisect_right(ordinals, start.toordinal())
        remaining = n
        while remaining > len(ordinals) - index:
            remaining -= len(ordinals) - index
            year += 1
            ordinals = self._school_days(year)[0]
            index = 0
        due = date.fromordinal(ordinals[index + remaining - 1])
        self._require(start + timedelta(days=1), due)
        return due

    #: What one of its days is called where the engine counts on it (`engine.case_summary.WorkingDays`).
    day_name = "school day"

    def days_between(self, a: date, b: date) -> int:
        """`school_days_between`: the engine's name for it (`engine.case_summary.WorkingDays`)."""
        return self.school_days_between(a, b)

    def school_days_between(self, a: date, b: date) -> int:
        """Count school days after ``a`` up to and including ``b``.

        Negative when ``b`` is before ``a`` (``-school_days_between(b, a)``), so a result below
        zero reads as "that many school days ago".
        """
        if b < a:
            return -self.school_days_between(b, a)
        if b > a:
            self._require(a + timedelta(days=1), b)
        count = bisect_right(self._school_days(b.year)[0], b.toordinal())
        count -= bisect_right(self._school_days(a.year)[0], a.toordinal())
        for year in range(a.year, b.year):
            count += len(self._school_days(year)[0])
        return count

    def next_school_day(self, d: date) -> date:
        """Return ``d`` if it is a school day, otherwise the first school day after it."""
        return d if self.is_school_day(d) else self.add_school_days(d, 1)

    def school_days_in_academic_year(self, academic_year: int) -> int:
        """Count school days from 1 September ``academic_year`` to 31 August the year after."""
        self._require(date(academic_year, 9, 1), date(academic_year, 9, 1))
        return self.school_days_between(date(academic_year, 8, 31), date(academic_year + 1, 8, 31))

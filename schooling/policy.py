"""Authority policy: the deadlines and contacts that vary by local authority, as configuration.

The seed documents fix the defaults (20 school days for a Fair Access offer, reviews at 2/4/6 weeks,
a 6-week limit on part-time timetables, 2 days to copy the LA, a 12-week placement); an authority
overrides any of them in ``processes/policy.toml`` without touching code (architecture rule 9).
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from engine.addresses import address_problem
from engine.locations import packaged
from schooling import deadline_units
from schooling.calendar import SchoolCalendar
from schooling.deadline_units import DAY_UNITS, WEEK_UNITS

__all__ = ["DEADLINE_UNITS", "DEFAULT_POLICY_PATH", "Policy", "calendar_path", "load_policy", "load_site_policy"]

#: Each deadline's default unit (chosen from the seed's words; processes/policy.toml says why) and the
#: units it may be set to with a ``<name>_unit`` key beside it.
DEADLINE_UNITS: dict[str, tuple[str, tuple[str, ...]]] = {
    "fair_access_school_days": ("school_days", DAY_UNITS),
    "la_notice_days": ("working_days", DAY_UNITS),
    "dual_registration_school_days": ("school_days", DAY_UNITS),
    "reminder_school_days": ("school_days", DAY_UNITS),
    "escalation_repeat_days": ("calendar_days", ("calendar_days",)),
    "review_weeks": ("calendar_weeks", WEEK_UNITS),
    "final_review_max_weeks": ("calendar_weeks", WEEK_UNITS),
    "timetable_max_weeks": ("school_weeks", WEEK_UNITS),
    "placement_max_weeks": ("calendar_weeks", WEEK_UNITS),
    "advocacy_weeks": ("calendar_weeks", WEEK_UNITS),
    "leavers_form_days": ("school_days", DAY_UNITS),
}
#: The parties a case may name that the Fair Access grid's -3 can go to (`weightings_transfer_out`).
TRANSFER_OUT_PARTIES = ("home_school", "ap_setting")

#: The shipped defaults, read from the installed `processes` package.
DEFAULT_POLICY_PATH = packaged("processes", "policy.toml")


@dataclass(frozen=True)
class Policy:
    """One authority's rules. Construct with ``load_policy``; the defaults are the seed values."""

    authority_name: str = "Example Local Authority"
    la_admissions_email: str = "admissions@authority.example"
    la_attendance_email: str = "attendance@authority.example"
    #: The Worcestershire protocol: once referred to Fair Access, a school place must be offered within 20 school days.
    fair_access_school_days: int = 20
    #: The Worcestershire protocol: the initial meeting sets interim reviews at 2 and 4 weeks and a final one at 6.
    review_weeks: tuple[int, ...] = (2, 4, 6)
    #: The Worcestershire protocol, step 5: the pupil is on both registers from the start date (0 school days after it).
    dual_registration_school_days: int = 0
    #: The Worcestershire protocol: the final placement review is within 6 weeks of the start date.
    final_review_max_weeks: int = 6
    #: The Worcestershire protocol, successful outcome: the AP setting's Leavers Form is due this many days after
    #: the pupil goes on the host school's roll (0: that day, when the AP deletes the pupil from its own).
    leavers_form_days: int = 0
    #: The Worcestershire protocol, step 10: the -3 of a permanent move goes to the roll the pupil leaves: the first
    #: of these parties that the case names (a mainstream home school, else the AP setting).
    weightings_transfer_out: tuple[str, ...] = TRANSFER_OUT_PARTIES
    #: The Oxfordshire timetable guidance: a part-time timetable returns to full time within a maximum of 6 weeks.
    timetable_max_weeks: int = 6
    #: The Oxfordshire timetable guidance: the school sends the LA a copy of the agreed hours and plan within 2 days.
    la_notice_days: int = 2
    #: The SEMH service level agreement: no young person stays on the re-engagement programme for more than 12 weeks.
    placement_max_weeks: int = 12
    #: The SEMH service level agreement: two Core Offer Inclusion Placements per school per term.
    core_places_per_school_per_term: int = 2
    #: Local hour on the morning after a missed deadline at which it is escalated.
    escalation_hour: int = 9
    #: School days before a deadline at which the task's assignees are reminded.
    reminder_school_days: int = 2
    #: Days between repeated escalations of a deadline that is still missed.
    escalation_repeat_days: int = 7
    #: The Reintegration Service document, staffing of the outreach team: 6 outreach workers (level 4) equivalent to 3 FTE,
    #: a counsellor 2 days a week and a primary teacher 3 days a week.
    outreach_worker_fte: float = 3.0
    counsellor_days_per_week: int = 2
    primary_teacher_days_per_week: int = 3
    #: The Reintegration Service document: free weeks of outreach reintegration support per pupil, by the financial year from
    #: which the allowance applies ("6 weeks" in 2014/15, "3 weeks" from 2015/16).
    outreach_free_reintegration_weeks: dict[str, int] = field(
        default_factory=lambda: {"2014/15": 6, "2015/16": 3})
    #: What a school is charged per week of chargeable outreach support, in pounds. Not in the seed:
    #: set it to the authority's traded-services rate.
    outreach_weekly_charge: int = 150
    #: The HNRG advocacy pilot: the advocacy pilot runs for 9 weeks per student.
    advocacy_weeks: int = 9
    #: The HNRG advocacy pilot: the transition cost per student (1:1 or 2:2), and the mainstream funding that follows
    #: a pupil back to school (years 4 and 6: primary; years 9 and 11: secondary), in pounds.
    advocacy_transition_cost: int = 3645
    mainstream_funding_primary: int = 3300
    mainstream_funding_secondary: int = 4600
    #: Addresses for roles that have no accounts of their own (escalation targets, team inboxes).
    contacts: dict[str, str] = field(default_factory=dict)
    timezone: str = "Europe/London"
    #: A signed-in web session ends after this many minutes without a request ...
    session_idle_minutes: int = 30
    #: ... and, however busy, this many hours after sign-in.
    session_lifetime_hours: int = 8
    #: How long closed cases are kept, and what of them stays after (``engine/retention.py``).
    retention: dict[str, Any] = field(default_factory=lambda: dict(RETENTION_DEFAULTS))
    #: Raw calendar configuration, as accepted by ``SchoolCalendar.from_config``.
    calendar: dict[str, Any] = field(default_factory=dict)
    #: Units chosen for deadlines (``<name>_unit`` keys); a deadline not named takes its default.
    units: dict[str, str] = field(default_factory=dict)

    def unit(self, name: str) -> str:
        """The unit deadline ``name`` is counted in, such as ``"working_days"``."""
        return self.units.get(name) or DEADLINE_UNITS[name][0]

    def add(self, name: str, start, n: int | None = None):
        """The date ``n`` (default: the policy's value of ``name``) units of deadline ``name`` after
        ``start``, in that deadline's unit, on this policy's school calendar."""
        count = getattr(self, name) if n is None else n
        return deadline_units.add(self.school_calendar(), start, count, self.unit(name))

    def school_calendar(self) -> SchoolCalendar:
        """The school calendar this policy describes, built once per distinct calendar config."""
        return self._school_calendar

    @functools.cached_property
    def _school_calendar(self) -> SchoolCalendar:
        """Kept on the policy (a frozen value: `dataclasses.replace` makes a new one): freezing the
        config to look the calendar up cost a millisecond on every deadline a handler counted."""
        return _calendar_for(_freeze(self.calendar))


@functools.lru_cache(maxsize=16)
def _calendar_for(frozen_config: tuple[tuple[str, Any], ...]) -> SchoolCalendar:
    return SchoolCalendar.from_config(dict(frozen_config))


def _freeze(value: Any) -> Any:
    """A hashable deep copy of plain config data (dicts to sorted item tuples, lists to tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


_FIELD_TYPES: dict[str, type] = {
    "authority_name": str,
    "la_admissions_email": str,
    "la_attendance_email": str,
    "fair_access_school_days": int,
    "review_weeks": tuple,
    "final_review_max_weeks": int,
    "dual_registration_school_days": int,
    "leavers_form_days": int,
    "weightings_transfer_out": list,
    "timetable_max_weeks": int,
    "la_notice_days": int,
    "placement_max_weeks": int,
    "core_places_per_school_per_term": int,
    "escalation_hour": int,
    "reminder_school_days": int,
    "escalation_repeat_days": int,
    "outreach_worker_fte": float,
    "counsellor_days_per_week": int,
    "primary_teacher_days_per_week": int,
    "outreach_free_reintegration_weeks": dict,
    "outreach_weekly_charge": int,
    "advocacy_weeks": int,
    "advocacy_transition_cost": int,
    "mainstream_funding_primary": int,
    "mainstream_funding_secondary": int,
    "contacts": dict,
    "timezone": str,
    "session_idle_minutes": int,
    "session_lifetime_hours": int,
    "calendar": dict,
    "retention": dict,
}
assert set(_FIELD_TYPES) | {"units"} == {f.name for f in fields(Policy)}, "keep _FIELD_TYPES in step with Policy"


_ZERO_ALLOWED = ("la_notice_days", "dual_registration_school_days", "outreach_weekly_charge", "counsellor_days_per_week",
                 "primary_teacher_days_per_week", "leavers_form_days")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def _is_int(value: Any) -> bool:
    # bool is a subclass of int, but `fair_access_school_days = true` is a mistake, not a 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(key: str, value: Any) -> Any:
    """Return ``value`` converted to the field's type, or raise ValueError naming ``key``."""
    expected = _FIELD_TYPES[key]
    if expected is int:
        if not _is_int(value):
            raise ValueError(f"{key} must be an integer, got {value!r}")
        if key == "escalation_hour":
            if not 0 <= value <= 23:
                raise ValueError(f"{key} must be an hour from 0 to 23, got {value}")
        elif value < 0 or (value == 0 and key not in _ZERO_ALLOWED):
            raise ValueError(f"{key} must be a positive integer, got {value}")
        return value
    if expected is float:
        if not (_is_int(value) or isinstance(value, float)) or value < 0:
            raise ValueError(f"{key} must be a number of 0 or more, got {value!r}")
        return float(value)
    if expected is str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{key} must be a non-empty string, got {value!r}")
        if key == "timezone":
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
                raise ValueError(f"{key}: unknown time zone {value!r}") from error
        if key.endswith("_email") and (problem := address_problem(value)):
            raise ValueError(f"{key} {problem}, got {value!r}")
        return value
    if expected is list:
        if (not isinstance(value, list) or not value or len(set(value)) != len(value)
                or not set(value) <= set(TRANSFER_OUT_PARTIES)):
            raise ValueError(f"{key} must be a list of parties from {', '.join(TRANSFER_OUT_PARTIES)} without "
                             f"repeats, got {value!r}")
        return tuple(value)
    if expected is tuple:
        if not isinstance(value, list | tuple) or not value or not all(_is_int(v) and v > 0 for v in value):
            raise ValueError(f"{key} must be a non-empty list of positive integers, got {value!r}")
        if list(value) != sorted(set(value)):
            raise ValueError(f"{key} must be in increasing order without repeats, got {value!r}")
        return tuple(value)
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be a table, got {value!r}")
    if key == "contacts":
        bad = [k for k, v in value.items() if not isinstance(v, str) or address_problem(v)]
        if bad:
            raise ValueError(f"contacts: {', '.join(bad)} must be email addresses")
        return value
    if key == "outreach_free_reintegration_weeks":
        return _check_weeks_by_year(key, value)
    if key == "retention":
        return _check_retention(value)
    try:
        SchoolCalendar.from_config(value)
    except ValueError as error:
        raise ValueError(f"{key}: {error}") from error
    return value


#: Six years after a case closes, as the registers it sits beside; the organisations and the outcome
#: stay (they name no pupil); the pupil's characteristics in the reports' facts go.
RETENTION_DEFAULTS: dict[str, Any] = {
    "closed_case_years": 6,
    "keep_fields": ["ap_setting", "home_school", "host_school", "local_authority", "outcome"],
    "facts_columns": ["gender", "send", "pupil_premium", "free_school_meals", "looked_after"],
}


def _check_retention(value: dict) -> dict[str, Any]:
    """The [retention] table: whole years of 1 or more, and lists of names."""
    unknown = set(value) - set(RETENTION_DEFAULTS)
    if unknown:
        raise ValueError(f"retention: unknown key(s) {', '.join(sorted(unknown))} "
                         f"(expected {', '.join(RETENTION_DEFAULTS)})")
    merged = {**RETENTION_DEFAULTS, **value}
    years = merged["closed_case_years"]
    if not _is_int(years) or years < 1:
        raise ValueError(f"retention: closed_case_years must be a whole number of 1 or more, got {years!r}")
    for key in ("keep_fields", "facts_columns"):
        names = merged[key]
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"retention: {key} must be a list of names, got {names!r}")
    return merged


def _check_weeks_by_year(key: str, value: dict) -> dict[str, int]:
    """A table of financial years ("2015/16") to whole numbers of weeks (0 or more)."""
    if not value:
        raise ValueError(f"{key} must name at least one financial year")
    for year, weeks in value.items():
        m = _FINANCIAL_YEAR.match(year)
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            raise ValueError(f"{key}: {year!r} is not a financial year such as \"2015/16\"")
        if not _is_int(weeks) or weeks < 0:
            raise ValueError(f"{key}: weeks for {year} must be a whole number of 0 or more, got {weeks!r}")
    return dict(sorted(value.items()))


def calendar_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The authority's own calendar file named by ``REINTEGRATE_CALENDAR``, or None when it is not set."""
    value = (os.environ if env is None else env).get("REINTEGRATE_CALENDAR", "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise ValueError(f"REINTEGRATE_CALENDAR is not a file: {value}")
    return path


def load_site_policy(path: str | Path | None = None) -> Policy:
    """The policy a running service uses: ``path`` (``REINTEGRATE_POLICY``), with the school calendar
    from the file ``REINTEGRATE_CALENDAR`` names instead of the policy's own, when it is set."""
    return load_policy(path, calendar_file=calendar_path())


def load_policy(path: str | Path | None = None, calendar_file: str | Path | None = None) -> Policy:
    """Read a policy TOML file; keys it leaves out take the seed defaults.

    With no ``path``, reads the shipped ``processes/policy.toml``, or returns the defaults
    if that file does not exist. ``calendar_file``, when given, replaces the policy's calendar
    (``[calendar]`` or ``calendar_file``) with that file's. Raises ``ValueError`` naming the key (and
    the file) for an unknown key, a value of the wrong type or range, or an invalid calendar;
    ``FileNotFoundError`` if an explicitly given file is missing.
    """
    if path is None:
        if not DEFAULT_POLICY_PATH.exists():
            return Policy()
        path = DEFAULT_POLICY_PATH
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: invalid TOML: {error}") from error
    values: dict[str, Any] = {}
    units: dict[str, str] = {}
    if calendar_file is not None:  # the site's own calendar wins over the policy's
        raw.pop("calendar_file", None)
        raw["calendar"] = _read_calendar(Path(calendar_file).resolve())
    elif "calendar_file" in raw:
        name = raw.pop("calendar_file")
        raw["calendar"] = _calendar_from_file(path, name, "calendar" in raw)
    for key, value in raw.items():
        if key.endswith("_unit") and key.removesuffix("_unit") in DEADLINE_UNITS:
            units[key.removesuffix("_unit")] = _check_unit(path, key, value)
            continue
        if key not in _FIELD_TYPES:
            raise ValueError(
                f"{path}: unknown policy key {key!r} (expected one of: {', '.join(sorted(_FIELD_TYPES))})"
            )
        try:
            values[key] = _check_value(key, value)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from error
    return Policy(**values, units=units)


def _calendar_from_file(policy_path: Path, name: Any, also_inline: bool) -> dict[str, Any]:
    """The authority's own calendar file (`calendar_file`, relative to the policy file): its [calendar]
    table, or the whole file when it has none."""
    if also_inline:
        raise ValueError(f"{policy_path}: give the calendar either as [calendar] or as calendar_file, not both")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{policy_path}: calendar_file must be a file name, got {name!r}")
    file = (policy_path.parent / name).resolve()
    if not file.is_file():
        raise ValueError(f"{policy_path}: calendar_file {file} does not exist")
    return _read_calendar(file)


def _read_calendar(file: Path) -> dict[str, Any]:
    """A calendar file's [calendar] table, or the whole file when it has none."""
    try:
        with file.open("rb") as handle:
            loaded = tomllib.load(handle)
    except FileNotFoundError:
        raise ValueError(f"the calendar file {file} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{file}: invalid TOML: {error}") from error
    return loaded.get("calendar", loaded)


def _check_unit(path: Path, key: str, value: Any) -> str:
    allowed = DEADLINE_UNITS[key.removesuffix("_unit")][1]
    if value not in allowed:
        raise ValueError(f"{path}: {key} must be one of {', '.join(allowed)}, got {value!r}")
    return value

"""Reading report facts out of case data: dates, whole numbers, yes/no answers and the pupil's year, as
forms and handlers leave them (a field may be missing, empty or typed "Year 9")."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

MAINSTREAM = ("mainstream_same_school", "mainstream_other_school")
DESTINATION_GROUPS = {**dict.fromkeys(MAINSTREAM, "mainstream"), "special_school": "special",
                      "alternative_provision": "ap", "elective_home_education": "other", "post_16": "other",
                      "not_known": "other"}
_YEAR = re.compile(r"(\d{1,2})")


def academic_year(day: date) -> str:
    """The academic year (1 September to 31 August) holding `day`, as "2025/26"."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def key_stage(year_group: int | None) -> str | None:
    """England's key stage of a national curriculum year group (0 is Reception)."""
    if year_group is None:
        return None
    for stage, last in (("EYFS", 0), ("KS1", 2), ("KS2", 6), ("KS3", 9), ("KS4", 11), ("KS5", 13)):
        if year_group <= last:
            return stage
    return None


def day(value: Any) -> date | None:
    """A date from an ISO date or date-time string; None for anything else (an empty field, say)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return (datetime.fromisoformat(value).date() if len(value) > 10 else date.fromisoformat(value))
    except ValueError:
        return None


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value)
    if isinstance(value, str):
        m = _YEAR.search(value)
        return int(m.group(1)) if m else None
    return None


def boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def pupil(data: dict[str, Any], year_key: str = "year_group") -> dict[str, Any]:
    year = integer(data.get(year_key))
    phase = data.get("phase") if data.get("phase") in ("primary", "secondary") else None
    if phase is None and year is not None:
        phase = "primary" if year <= 6 else "secondary"
    return {"year_group": year, "key_stage": key_stage(year), "phase": phase,
            "gender": data.get("gender") if data.get("gender") in ("female", "male", "other") else None}

"""The report facts of a `reintegration_timetable` case: the Oxfordshire timetable guidance: the agreed plan's
dates and weekly hours, and the return to full time.
"""
from __future__ import annotations

from typing import Any

from .reintegration_timetable_model import TimetableFacts
from .values import boolean, day, pupil

PROCESS = "reintegration_timetable"
#: its own report facts table (the shared ones are `schooling.models.CaseFacts`)
TABLE = TimetableFacts

def facts(data: dict[str, Any]) -> dict[str, Any]:
    weeks = data.get("timetable_weeks") or []
    full = next((w for w in weeks if w.get("full_time")), None)
    return {
        **pupil(data), "started_on": day(data.get("start_date")) or day(data.get("proposed_start_date")),
        "looked_after": boolean(data.get("looked_after")), "send": boolean(data.get("ehcp")),
        "timetable_agreed": boolean(data.get("timetable_agreed")), "timetable_start": day(data.get("start_date")),
        "timetable_limit": day(data.get("timetable_limit_date")), "full_time_from": day(data.get("full_time_from")),
        "full_time_on": day(data.get("full_time_on")), "closed_on": day(data.get("full_time_on")),
        "full_week_hours": full["hours"] if full else None,
        "timetable_hours": [[w.get("from"), w.get("hours")] for w in weeks] or None,
    }

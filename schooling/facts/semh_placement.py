"""The report facts of a `semh_placement` case: the SEMH service level agreement: the allocation, the placement
dates, the progress reviews' attendance, the return and every KPI the follow-up handlers record, with the days
the follow-ups fall due.
"""
from __future__ import annotations

from typing import Any

from .semh_placement_model import SemhPlacementFacts
from .values import boolean, day, integer, pupil

PROCESS = "semh_placement"
#: its own report facts table (the shared ones are `schooling.models.CaseFacts`)
TABLE = SemhPlacementFacts

def facts(data: dict[str, Any]) -> dict[str, Any]:
    attendance = [r["attendance_percent"] for r in data.get("progress_reviews") or []
                  if isinstance(r.get("attendance_percent"), int | float)]
    start = day(data.get("placement_start_date"))
    return {
        **pupil(data), "started_on": start or day(data.get("allocation_meeting_date")),
        "offer": data.get("offer"), "placement_term": data.get("placement_term"), "placement_start": start,
        "placement_end_by": day(data.get("placement_end_by")), "returned_on": day(data.get("returned_on")),
        "closed_on": day(data.get("returned_on")),
        "placement_weeks": integer(data.get("placement_weeks")),
        "placement_attendance": round(sum(attendance) / len(attendance), 2) if attendance else None,
        "returned_home": boolean(data.get("returned_to_home_school")) if data.get("returned_on") else None,
        "kpi_within_12_weeks": boolean(data.get("kpi_within_12_weeks_met")),
        "kpi_two_terms_due": day(data.get("kpi_two_terms_at")),
        "kpi_attendance": boolean(data.get("kpi_attendance_met")),
        "kpi_absence_percent": data.get("kpi_absence_percent"),
        "kpi_no_suspensions": boolean(data.get("kpi_no_suspensions_met")),
        "kpi_behaviour": boolean(data.get("kpi_behaviour_met")),
        "kpi_one_year_due": day(data.get("kpi_one_year_at")),
        "kpi_no_permanent_exclusion": boolean(data.get("kpi_no_permanent_exclusion_met")),
        "kpi_home_school_only": boolean(data.get("kpi_home_school_only_met")),
        "feedback_positive": integer(data.get("feedback_positive")), "feedback_given": integer(data.get("feedback_given")),
    }

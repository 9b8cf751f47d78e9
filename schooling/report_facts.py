"""Report facts: what the reports need of a case, taken from its data whenever the case is saved.

`extract_facts(process_key, case_data)` is pure: the case data in, the `case_facts` columns out (see
`engine.models.CaseFacts`). `facts_row(case)` adds what belongs to the case row itself (status, the
day it was opened) and is what `CaseRun.save()` writes, in the same transaction as the state, so the
reports never disagree with the cases. `rebuild_facts` writes them afresh for every case (after a
change to the extraction, or by migration 0004 for the cases that existed before it).

Where a figure comes from, by process:
- outreach_support (the Reintegration Service document): the request form (gender, phase, year group,
  SEND, pupil premium, FSM, looked after, support type), the handlers' running figures (weeks, chargeable weeks, income) and the
  outcome form (destination); the academic year is the one the request was made in.
- reintegration (the Worcestershire protocol, and the HNRG advocacy pilot for its branch): the schools,
  SEND and looked-after status from the information form, the outcome, and the advocacy branch's
  costs; the year is that of the parent's consent.
- semh_placement (the SEMH service level agreement): the allocation, the placement dates, the progress reviews' attendance,
  the return and every KPI the follow-up handlers record, with the days the follow-ups fall due.
- reintegration_timetable (the Oxfordshire timetable guidance): the agreed plan's dates and weekly hours,
  and the return to full time.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from engine.models import Case, CaseFacts

MAINSTREAM = ("mainstream_same_school", "mainstream_other_school")
DESTINATION_GROUPS = {**dict.fromkeys(MAINSTREAM, "mainstream"), "special_school": "special",
                      "alternative_provision": "ap", "elective_home_education": "other", "post_16": "other",
                      "not_known": "other"}
_NOT_SEND = {"", "none", "no", "n/a", "na", "not applicable"}
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


def _day(value: Any) -> date | None:
    """A date from an ISO date or date-time string; None for anything else (an empty field, say)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return (datetime.fromisoformat(value).date() if len(value) > 10 else date.fromisoformat(value))
    except ValueError:
        return None


def _int(value: Any) -> int | None:
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


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _pupil(data: dict[str, Any], year_key: str = "year_group") -> dict[str, Any]:
    year = _int(data.get(year_key))
    phase = data.get("phase") if data.get("phase") in ("primary", "secondary") else None
    if phase is None and year is not None:
        phase = "primary" if year <= 6 else "secondary"
    return {"year_group": year, "key_stage": key_stage(year), "phase": phase,
            "gender": data.get("gender") if data.get("gender") in ("female", "male", "other") else None}


def _outreach(data: dict[str, Any]) -> dict[str, Any]:
    started = _day(data.get("requested_on"))
    income = data.get("income_by_financial_year") or {}
    group = data.get("request_type") == "group"
    destination = data.get("destination") or None
    return {
        **_pupil(data), "started_on": started, "academic_year": data.get("academic_year"),
        "financial_year": data.get("financial_year"), "closed_on": _day(data.get("closed_on")),
        "send": _bool(data.get("send_ehcp_or_k")), "pupil_premium": _bool(data.get("pupil_premium")),
        "free_school_meals": _bool(data.get("free_school_meals")), "looked_after": _bool(data.get("looked_after")),
        "pupils": (_int(data.get("cohort_size")) or 0) if group else 1,
        "request_type": data.get("request_type"), "support_type": data.get("support_type"),
        "funding_basis": data.get("funding_basis"), "decision": data.get("decision"),
        "destination": destination, "destination_group": DESTINATION_GROUPS.get(destination),
        "income_total": sum(int(v) for v in income.values()),
        "support_weeks": len(data.get("support_weeks") or []),
        "chargeable_weeks": len(data.get("chargeable_weeks") or []),
    }


def _reintegration(data: dict[str, Any]) -> dict[str, Any]:
    send_level = str(data.get("send_level") or "").strip().lower()
    outcome = data.get("outcome")
    destination = {"successful": "mainstream_other_school", "unsuccessful": "alternative_provision"}.get(outcome)
    costs = data.get("advocacy_costs") or {}
    out = {**_pupil(data), "started_on": _day(data.get("consent_date")), "host_school": data.get("host_school"),
           "send": (send_level not in _NOT_SEND) if "send_level" in data else None,
           "looked_after": _bool(data.get("lac_status")), "destination": destination,
           "destination_group": DESTINATION_GROUPS.get(destination),
           "closed_on": _day(data.get("date_on_roll") or data.get("date_of_return")),
           "advocacy": _bool(data.get("advocacy_needed")), "advocacy_outcome": data.get("advocacy_outcome")}
    if costs:
        out.update({"transition_type": costs.get("transition_type"),
                    "current_setting_funding": _int(costs.get("current_setting_funding")),
                    "transition_cost": _int(costs.get("transition_cost")),
                    "mainstream_funding": _int(costs.get("mainstream_funding")),
                    "net_saving": _int(costs.get("net_saving_if_reintegrated")),
                    "started_on": _day(data.get("advocacy_start_date")) or out["started_on"]})
    return out


def _semh(data: dict[str, Any]) -> dict[str, Any]:
    attendance = [r["attendance_percent"] for r in data.get("progress_reviews") or []
                  if isinstance(r.get("attendance_percent"), int | float)]
    start = _day(data.get("placement_start_date"))
    return {
        **_pupil(data), "started_on": start or _day(data.get("allocation_meeting_date")),
        "offer": data.get("offer"), "placement_term": data.get("placement_term"), "placement_start": start,
        "placement_end_by": _day(data.get("placement_end_by")), "returned_on": _day(data.get("returned_on")),
        "closed_on": _day(data.get("returned_on")),
        "placement_weeks": _int(data.get("placement_weeks")),
        "placement_attendance": round(sum(attendance) / len(attendance), 2) if attendance else None,
        "returned_home": _bool(data.get("returned_to_home_school")) if data.get("returned_on") else None,
        "kpi_within_12_weeks": _bool(data.get("kpi_within_12_weeks_met")),
        "kpi_two_terms_due": _day(data.get("kpi_two_terms_at")),
        "kpi_attendance": _bool(data.get("kpi_attendance_met")),
        "kpi_absence_percent": data.get("kpi_absence_percent"),
        "kpi_no_suspensions": _bool(data.get("kpi_no_suspensions_met")),
        "kpi_behaviour": _bool(data.get("kpi_behaviour_met")),
        "kpi_one_year_due": _day(data.get("kpi_one_year_at")),
        "kpi_no_permanent_exclusion": _bool(data.get("kpi_no_permanent_exclusion_met")),
        "kpi_home_school_only": _bool(data.get("kpi_home_school_only_met")),
        "feedback_positive": _int(data.get("feedback_positive")), "feedback_given": _int(data.get("feedback_given")),
    }


def _timetable(data: dict[str, Any]) -> dict[str, Any]:
    weeks = data.get("timetable_weeks") or []
    full = next((w for w in weeks if w.get("full_time")), None)
    return {
        **_pupil(data), "started_on": _day(data.get("start_date")) or _day(data.get("proposed_start_date")),
        "looked_after": _bool(data.get("looked_after")), "send": _bool(data.get("ehcp")),
        "timetable_agreed": _bool(data.get("timetable_agreed")), "timetable_start": _day(data.get("start_date")),
        "timetable_limit": _day(data.get("timetable_limit_date")), "full_time_from": _day(data.get("full_time_from")),
        "full_time_on": _day(data.get("full_time_on")), "closed_on": _day(data.get("full_time_on")),
        "full_week_hours": full["hours"] if full else None,
        "timetable_hours": [[w.get("from"), w.get("hours")] for w in weeks] or None,
    }


EXTRACTORS = {"outreach_support": _outreach, "reintegration": _reintegration, "semh_placement": _semh,
              "reintegration_timetable": _timetable}


def extract_facts(process_key: str, case_data: dict[str, Any] | None) -> dict[str, Any]:
    """The report columns a case's data gives (pure; a column the data does not give is left out)."""
    data = case_data or {}
    facts: dict[str, Any] = {"process": process_key, "outcome": data.get("outcome"),
                             **{k: data.get(k) for k in ("home_school", "ap_setting", "local_authority")}}
    extractor = EXTRACTORS.get(process_key)
    if extractor is not None:
        facts.update(extractor(data))
    if not facts.get("academic_year") and facts.get("started_on"):
        facts["academic_year"] = academic_year(facts["started_on"])
    return facts


_COLUMNS = frozenset(c.name for c in CaseFacts.__table__.columns)


def facts_row(case: Case, columns: frozenset[str] = _COLUMNS) -> dict[str, Any]:
    """The `case_facts` row of a case as it stands: its data's facts plus the case row's own."""
    opened = case.created_at.date()
    facts = extract_facts(case.process_key, case.data)
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update({k: v for k, v in facts.items() if k in columns})
    row.update({"case_id": case.id, "status": case.status, "opened_on": opened, "updated_at": case.updated_at})
    row["pupils"] = facts.get("pupils", 1)
    row["started_on"] = row["started_on"] or opened
    row["academic_year"] = row["academic_year"] or academic_year(row["started_on"])
    return row


def rebuild_facts(session, batch: int = 500) -> int:
    """Write every case's facts afresh; returns how many cases. The caller commits."""
    session.execute(delete(CaseFacts))
    count, rows = 0, []
    for case in session.scalars(select(Case).execution_options(yield_per=batch)):
        rows.append(facts_row(case))
        if len(rows) >= batch:
            session.execute(insert(CaseFacts), rows)
            count, rows = count + len(rows), []
    if rows:
        session.execute(insert(CaseFacts), rows)
    return count + len(rows)

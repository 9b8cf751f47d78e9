"""The report facts of a `outreach_support` case: the Reintegration Service document: the request form (gender,
phase, year group, SEND, pupil premium, FSM, looked after, support type), the handlers' running figures
(weeks, chargeable weeks, income) and the outcome form (destination); the academic year is the one the request
was made in.
"""
from __future__ import annotations

from typing import Any

from .outreach_support_model import OutreachSupportFacts
from .values import DESTINATION_GROUPS, boolean, day, integer, pupil

PROCESS = "outreach_support"
#: its own report facts table (the shared ones are `schooling.models.CaseFacts`)
TABLE = OutreachSupportFacts

def facts(data: dict[str, Any]) -> dict[str, Any]:
    started = day(data.get("requested_on"))
    income = data.get("income_by_financial_year") or {}
    group = data.get("request_type") == "group"
    destination = data.get("destination") or None
    return {
        **pupil(data), "started_on": started, "academic_year": data.get("academic_year"),
        "financial_year": data.get("financial_year"), "closed_on": day(data.get("closed_on")),
        "send": boolean(data.get("send_ehcp_or_k")), "pupil_premium": boolean(data.get("pupil_premium")),
        "free_school_meals": boolean(data.get("free_school_meals")), "looked_after": boolean(data.get("looked_after")),
        "pupils": (integer(data.get("cohort_size")) or 0) if group else 1,
        "request_type": data.get("request_type"), "support_type": data.get("support_type"),
        "funding_basis": data.get("funding_basis"), "decision": data.get("decision"),
        "destination": destination, "destination_group": DESTINATION_GROUPS.get(destination),
        "income_total": sum(int(v) for v in income.values()),
        "support_weeks": len(data.get("support_weeks") or []),
        "chargeable_weeks": len(data.get("chargeable_weeks") or []),
    }

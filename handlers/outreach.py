"""The outreach team's support for schools (the Reintegration Service document).

A school, or the LA's looked-after children team, asks for support; the co-ordinator accepts and
allocates it with the team's capacity in view; every contact is recorded and what was learnt is sent
to the school; free weeks are counted against policy and the rest is charged, the income booked to the
financial year of the session.
"""
from __future__ import annotations

from datetime import date, timedelta

from engine.effects import HandlerContext
from engine.registry import topic, validates

#: The Reintegration Service document: "free KS2/3 and 3/4 transition, free early intervention secondary groups,
#: free LAC support".
FREE_SUPPORT = ("transition_ks2_3", "transition_ks3_4", "lac_at_risk_of_exclusion", "lac_resilience",
                "success_in_schools")
#: The Reintegration Service document: "3 weeks of free reintegration support for schools" (6 before 2015/16); then chargeable.
FREE_WEEKS_SUPPORT = ("reintegration",)
SESSION_KINDS = ("session", "group_session")
MEETING_KINDS = ("reintegration_meeting", "pep", "review")
WORKERS = {"outreach_worker": "an outreach worker", "counsellor": "the counsellor",
           "primary_teacher": "the primary teacher"}
CONTACT_LABELS = {"session": "Outreach session", "group_session": "Group session",
                  "reintegration_meeting": "Reintegration meeting", "pep": "Personal Education Plan (PEP) meeting",
                  "review": "Review meeting", "parent_contact": "Contact with parents"}


def financial_year(day: date) -> str:
    """The UK financial year (1 April to 31 March) holding `day`, as "2015/16"."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def academic_year(day: date) -> str:
    """The academic year (September to August) holding `day`, as "2015/16"."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def free_weeks_for(policy, year: str) -> int:
    """Policy's free reintegration weeks for a financial year: the latest entry from that year back."""
    table = policy.outreach_free_reintegration_weeks
    earlier = [y for y in sorted(table) if y[:4] <= year[:4]]
    return table[earlier[-1] if earlier else min(table)]


def funding_basis(support_type: str) -> str:
    if support_type in FREE_SUPPORT:
        return "free"
    if support_type in FREE_WEEKS_SUPPORT:
        return "free_weeks_then_chargeable"
    return "chargeable"


def _local_date(ctx: HandlerContext) -> date:
    from zoneinfo import ZoneInfo

    return ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date()


@topic("outreach_request")
def outreach_request(ctx: HandlerContext) -> dict:
    """Classify a new request: its funding, its free weeks, whether it is a group, whether to assess."""
    today = _local_date(ctx)
    support = ctx.data["support_type"]
    basis = funding_basis(support)
    year = financial_year(today)
    allowance = 0
    if basis == "free_weeks_then_chargeable":
        allowance = max(0, free_weeks_for(ctx.policy, year) - int(ctx.data.get("free_weeks_already_used") or 0))
    group = support == "success_in_schools" or ctx.data.get("request_type") == "group"
    return {
        "request_type": "group" if group else "individual",
        "funding_basis": basis,
        "free_weeks_allowance": allowance,
        "weekly_charge": ctx.policy.outreach_weekly_charge,
        "financial_year": year,
        "academic_year": academic_year(today),
        "requested_on": today.isoformat(),
        "assessments_needed": not group and bool(ctx.data.get("back_from_ap_unit")
                                                 or ctx.data.get("assessment_requested")),
        "support_weeks": [],
        "chargeable_weeks": [],
        "income_by_financial_year": {},
        "contacts_recorded": 0,
        "sessions_held": 0,
        "meetings_attended": [],
        "parent_contacts": 0,
        "charge_approval_needed": False,
    }


def capacity_summary(policy, allocations: dict[str, int] | None) -> tuple[dict, str]:
    """The team's staffing beside its open allocations, as data and as one line for the co-ordinator."""
    staff = {
        "outreach_worker": (policy.outreach_worker_fte * 5, f"{policy.outreach_worker_fte:g} FTE outreach workers"),
        "counsellor": (policy.counsellor_days_per_week, f"counsellor {policy.counsellor_days_per_week} days a week"),
        "primary_teacher": (policy.primary_teacher_days_per_week,
                            f"primary teacher {policy.primary_teacher_days_per_week} days a week"),
    }
    capacity, parts = {}, []
    for kind, (days, label) in staff.items():
        open_cases = None if allocations is None else int(allocations.get(kind, 0))
        capacity[kind] = {"days_per_week": days, "open_allocations": open_cases}
        shown = "allocations not counted" if open_cases is None else f"{open_cases} open"
        parts.append(f"{label}: {shown}")
    return capacity, "; ".join(parts)


@topic("outreach_capacity")
def outreach_capacity(ctx: HandlerContext) -> dict:
    """The capacity the co-ordinator sees when allocating (counts come from the engine, see schooling.capacity)."""
    capacity, summary = capacity_summary(ctx.policy, ctx.facts.get("outreach_allocations"))
    return {"capacity": capacity, "capacity_summary": summary}


@validates("review_outreach_request")
def review_rules(values: dict, case: dict, policy) -> dict[str, str]:
    """A decline gives its reason; an allocation names its worker, start date and, if chargeable, the
    school's agreement to pay; the primary teacher works with primary pupils."""
    if values.get("decision") == "decline":
        return {} if values.get("decline_reason") else {"decline_reason": "Say why the request is declined"}
    errors = {}
    for key, message in (("allocated_to", "Allocate the request to a worker"),
                         ("worker_name", "Name the worker"), ("support_start_date", "Give the start date")):
        if not values.get(key):
            errors[key] = message
    chargeable_now = case.get("funding_basis") == "chargeable" or (
        case.get("funding_basis") == "free_weeks_then_chargeable" and not case.get("free_weeks_allowance"))
    if chargeable_now and values.get("charge_agreed") is not True:
        errors["charge_agreed"] = (f"This support is chargeable (GBP {case.get('weekly_charge')} a week): "
                                   "the school must agree to pay before it starts")
    if values.get("allocated_to") == "primary_teacher" and case.get("phase") != "primary":
        errors["allocated_to"] = "The primary teacher works with primary pupils only"
    return errors


@topic("outreach_declined")
def outreach_declined(ctx: HandlerContext) -> dict:
    ctx.send_mail("outreach_declined", "role:home_school", "outreach_declined",
                  school=ctx.data.get("home_school"), reason=ctx.data.get("decline_reason"))
    return {"outcome": "declined"}


@topic("outreach_allocated")
def outreach_allocated(ctx: HandlerContext) -> dict:
    """Tell the school who will work with the pupil, from when, and on what terms."""
    basis = ctx.data["funding_basis"]
    terms = {"free": "free of charge",
             "free_weeks_then_chargeable": f"{ctx.data['free_weeks_allowance']} free weeks, then "
                                           f"GBP {ctx.data['weekly_charge']} a week if the school asks for more",
             "chargeable": f"chargeable at GBP {ctx.data['weekly_charge']} a week"}[basis]
    ctx.send_mail("outreach_allocated", "role:home_school", "outreach_allocated",
                  school=ctx.data.get("home_school"), worker=WORKERS[ctx.data["allocated_to"]],
                  worker_name=ctx.data.get("worker_name"), start_date=ctx.data.get("support_start_date"),
                  terms=terms, group=ctx.data.get("request_type") == "group")
    return {"support_status": "allocated"}


@topic("outreach_assessments")
def outreach_assessments(ctx: HandlerContext) -> dict:
    """The Reintegration Service document: assessments are completed and shared with the school on the pupil's return."""
    ctx.send_mail("outreach_assessments", "role:home_school", "outreach_assessments",
                  school=ctx.data.get("home_school"), assessments=ctx.data.get("assessments_completed"),
                  findings=ctx.data.get("assessment_findings"),
                  interventions=ctx.data.get("recommended_interventions"))
    return {"assessments_shared_on": _local_date(ctx).isoformat()}


def _week_of(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def count_contact(data: dict, policy) -> dict:
    """The running figures after one more contact: weeks of support, which are chargeable, income by year."""
    kind, day = data["contact_kind"], date.fromisoformat(data["contact_date"])
    weeks, charged = list(data.get("support_weeks", [])), list(data.get("chargeable_weeks", []))
    income = dict(data.get("income_by_financial_year", {}))
    meetings = list(data.get("meetings_attended", []))
    basis, allowance = data["funding_basis"], int(data.get("free_weeks_allowance", 0))
    chargeable = False
    if kind in SESSION_KINDS and _week_of(day) not in weeks:
        weeks.append(_week_of(day))
        chargeable = basis == "chargeable" or (basis == "free_weeks_then_chargeable" and len(weeks) > allowance)
        if chargeable:
            charged.append(_week_of(day))
            year = financial_year(day)
            income[year] = income.get(year, 0) + int(data.get("weekly_charge", policy.outreach_weekly_charge))
    if kind in MEETING_KINDS:
        meetings.append({"date": day.isoformat(), "kind": kind})
    return {
        "support_weeks": weeks, "chargeable_weeks": charged, "income_by_financial_year": income,
        "meetings_attended": meetings,
        "contacts_recorded": int(data.get("contacts_recorded", 0)) + 1,
        "sessions_held": int(data.get("sessions_held", 0)) + (kind in SESSION_KINDS),
        "parent_contacts": int(data.get("parent_contacts", 0)) + (kind == "parent_contact"),
        "free_weeks_used": len(weeks) - len(charged),
        "last_contact_chargeable": chargeable,
        "charge_approval_needed": (basis == "free_weeks_then_chargeable" and data.get("charge_agreed") is not True
                                   and len(weeks) >= allowance and data.get("next_step") != "end"),
    }


@topic("outreach_session")
def outreach_session(ctx: HandlerContext) -> dict:
    """The Reintegration Service document: information is shared with the school following every outreach session."""
    out = count_contact(dict(ctx.data), ctx.policy)
    number = out["contacts_recorded"]
    ctx.send_mail("outreach_session", "role:home_school", f"outreach_session:{number}",
                  school=ctx.data.get("home_school"), contact_number=number,
                  contact=CONTACT_LABELS[ctx.data["contact_kind"]], contact_date=ctx.data["contact_date"],
                  information=ctx.data["information_for_school"], chargeable=out["last_contact_chargeable"],
                  free_weeks_left=max(0, int(ctx.data.get("free_weeks_allowance", 0)) - out["free_weeks_used"])
                  if ctx.data["funding_basis"] == "free_weeks_then_chargeable" else None)
    return out


@validates("record_outreach_contact")
def contact_rules(values: dict, case: dict, policy) -> dict[str, str]:
    """A contact is dated on or after the start of support; a group session says who attended."""
    errors = {}
    start = case.get("support_start_date")
    if start and values["contact_date"] < start:
        errors["contact_date"] = f"The support started on {start}: a contact cannot be dated before it"
    if case.get("request_type") == "group" and values["contact_kind"] == "group_session" \
            and values.get("pupils_attended") is None:
        errors["pupils_attended"] = "Say how many pupils of the group attended"
    return errors


@validates("record_outreach_outcome")
def outcome_rules(values: dict, case: dict, policy) -> dict[str, str]:
    """A pupil's destination, or a group's numbers, are recorded for the service figures."""
    if case.get("request_type") == "group":
        return {} if values.get("pupils_completed") is not None else {
            "pupils_completed": "Say how many pupils completed the group"}
    return {} if values.get("destination") else {"destination": "Record the pupil's destination"}


@topic("outreach_closed")
def outreach_closed(ctx: HandlerContext) -> dict:
    """The final figures of the support, and a closing note to the school."""
    income = dict(ctx.data.get("income_by_financial_year", {}))
    weeks, charged = ctx.data.get("support_weeks", []), ctx.data.get("chargeable_weeks", [])
    ctx.send_mail("outreach_closed", "role:home_school", "outreach_closed",
                  school=ctx.data.get("home_school"), outcome=ctx.data["support_outcome"],
                  weeks=len(weeks), chargeable_weeks=len(charged), income=sum(income.values()),
                  summary=ctx.data.get("outcome_summary"))
    return {"outcome": ctx.data["support_outcome"], "support_status": "closed", "support_weeks_total": len(weeks),
            "free_weeks_used": len(weeks) - len(charged), "chargeable_weeks_total": len(charged),
            "income_total": sum(income.values()), "closed_on": _local_date(ctx).isoformat()}

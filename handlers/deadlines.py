"""Deadlines of the reintegration protocol, counted in school days or weeks as policy says."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic


def escalation_time(policy, deadline: date) -> str:
    """The morning after `deadline`, at the policy's escalation hour, local time, as UTC ISO."""
    local = datetime.combine(deadline + timedelta(days=1), time(policy.escalation_hour),
                             ZoneInfo(policy.timezone))
    return local.astimezone(ZoneInfo("UTC")).isoformat()


@topic("fair_access_deadline")
def fair_access_deadline(ctx: HandlerContext) -> dict:
    """Seed 002: once referred under Fair Access, a place must be offered within 20 school days."""
    agreed = date.fromisoformat(ctx.data["agreed_to_consider_date"])
    deadline = ctx.calendar.add_school_days(agreed, ctx.policy.fair_access_school_days)
    return {
        "fair_access_deadline": deadline.isoformat(),
        "fair_access_escalate_at": escalation_time(ctx.policy, deadline),
    }


@topic("schedule_reviews")
def schedule_reviews(ctx: HandlerContext) -> dict:
    """Review dates default to 2, 4 and 6 weeks after the start date; the meeting may set them."""
    start = date.fromisoformat(ctx.data["start_date"])
    out = {}
    for n, weeks in enumerate(ctx.policy.review_weeks[:3], start=1):
        key = f"review_{n}_date"
        given = ctx.data.get(key)
        out[key] = given or (start + timedelta(weeks=weeks)).isoformat()
    return out


@topic("escalate_deadline")
def escalate_deadline(ctx: HandlerContext) -> dict:
    """A watched deadline passed with its task still open: tell LA admissions."""
    pupil = ctx.data.get("pupil_name", "a pupil")
    deadline = ctx.data.get("fair_access_deadline", "the deadline")
    ctx.send_mail(
        ctx.policy.la_admissions_email,
        f"Overdue: school place for {pupil} (case {ctx.case_id})",
        f"The Fair Access offer of a school place for {pupil} was due by {deadline} "
        f"(20 school days after the panel agreed to consider the case). No place has been recorded "
        f"as allocated. Please allocate a place now.\n\nCase: {ctx.case_id}",
        purpose=f"escalation:{ctx.element}",
    )
    return {"escalated": [*ctx.data.get("escalated", []), ctx.element]}

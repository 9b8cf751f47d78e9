"""Deadlines of the reintegration protocol, counted in school days or weeks as policy says."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic
from schooling import deadline_units


def escalation_time(policy, deadline: date) -> str:
    """The morning after `deadline`, at the policy's escalation hour, local time, as UTC ISO."""
    local = datetime.combine(deadline + timedelta(days=1), time(policy.escalation_hour),
                             ZoneInfo(policy.timezone))
    return local.astimezone(ZoneInfo("UTC")).isoformat()


def _local_morning(policy, day: date) -> str:
    local = datetime.combine(day, time(policy.escalation_hour), ZoneInfo(policy.timezone))
    return local.astimezone(ZoneInfo("UTC")).isoformat()


def school_days_before(calendar, due: date, n: int) -> date:
    """The n-th school day before `due`."""
    day = due
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_school_day(day):
            n -= 1
    return day


def due_after(ctx: HandlerContext, name: str, start: date, n: int | None = None) -> date:
    """``n`` (default: the policy's value) units of deadline ``name`` after ``start``, in its policy unit."""
    count = getattr(ctx.policy, name) if n is None else n
    return deadline_units.add(ctx.policy.school_calendar(), start, count, ctx.policy.unit(name))


def remind_on(ctx: HandlerContext, due: date) -> date:
    """The day assignees are reminded of a deadline on ``due``: ``reminder_school_days`` before it."""
    policy = ctx.policy
    return deadline_units.days_before(ctx.policy.school_calendar(), due, policy.reminder_school_days,
                                      policy.unit("reminder_school_days"))


def watch(ctx: HandlerContext, task: str, due: date) -> dict:
    """The variables a deadline task's boundary timers read: when to remind, when and how often to escalate."""
    policy = ctx.policy
    return {
        f"{task}_remind_at": _local_morning(policy, remind_on(ctx, due)),
        f"{task}_escalation_cycle": f"R/{escalation_time(policy, due)}/P{policy.escalation_repeat_days}D",
    }


@topic("fair_access_deadline")
def fair_access_deadline(ctx: HandlerContext) -> dict:
    """The Worcestershire protocol: once referred under Fair Access, a place must be offered within 20 school days."""
    agreed = date.fromisoformat(ctx.data["agreed_to_consider_date"])
    deadline = due_after(ctx, "fair_access_school_days", agreed)
    return {
        "fair_access_deadline": deadline.isoformat(),
        **watch(ctx, "allocate_place", deadline),
    }


@topic("schedule_reviews")
def schedule_reviews(ctx: HandlerContext) -> dict:
    """Review dates default to 2, 4 and 6 weeks after the start date (moved back to the school day
    before, should that fall in a holiday); the meeting may set them."""
    start = date.fromisoformat(ctx.data["start_date"])
    # Reviews reuse the field name `meeting_date`: keep the initial meeting's for the failure letter.
    out = {"initial_meeting_date": ctx.data.get("meeting_date"), "next_review": 1}
    # Dual registration is due by the start date (policy), beside the reviews rather than before them.
    registration_due = due_after(ctx, "dual_registration_school_days", start)
    out["dual_registration_due"] = registration_due.isoformat()
    out.update(watch(ctx, "confirm_dual_registration", registration_due))
    tasks = ("interim_review_1", "interim_review_2", "final_review")
    host = ctx.policy.school_calendar().for_school(ctx.data.get("host_school"))  # the reviews are at the host school
    for n, (weeks, task) in enumerate(zip(ctx.policy.review_weeks[:3], tasks, strict=True), start=1):
        key = f"review_{n}_date"
        default = school_days_before(host, due_after(ctx, "review_weeks", start, weeks) + timedelta(days=1), 1)
        out[key] = ctx.data.get(key) or default.isoformat()
        out.update(watch(ctx, task, date.fromisoformat(out[key])))
    return out

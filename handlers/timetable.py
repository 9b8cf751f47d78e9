"""Part-time reintegration timetables (the Oxfordshire timetable guidance).

The weekly timetable travels in one form field, one line per week, Monday to Friday, each day as
`am/pm` hours in education (`Week 2: 3.25/2.5 3.25/0 3.25/2.5 3.25/0 3.25/0`), against a full day
given the same way (`3.25/2.5`). The plain-text grid is what the Camunda form types can carry, reads
as the am/pm grid the guidance asks for, and lets an authority change the maximum number of weeks in
policy without changing the form.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from engine.effects import HandlerContext
from engine.registry import topic, validates
from schooling.deadline_units import week_mondays

from .deadlines import _local_morning, due_after, remind_on, school_days_before, watch

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_WEEK = re.compile(r"^\s*week\s*(\d+)\s*[:.\-]?\s*", re.IGNORECASE)
_DAY_NAME = re.compile(r"^(mon|tue|tues|wed|thu|thur|thurs|fri)[a-z]*:?$", re.IGNORECASE)
_CELL = re.compile(r"^(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")


def parse_full_day(text: str) -> tuple[float, float]:
    """`3.25/2.5` -> (3.25, 2.5); raises ValueError with a message for a person."""
    m = _CELL.match((text or "").strip())
    if not m or float(m.group(1)) <= 0 or float(m.group(2)) <= 0:
        raise ValueError(f"{text!r} is not a full day as morning/afternoon hours, such as 3.25/2.5")
    return float(m.group(1)), float(m.group(2))


def _parse_week(line: str, n: int, full: tuple[float, float]) -> tuple[list[list[float]], list[str]]:
    m = _WEEK.match(line)
    if m and int(m.group(1)) != n:
        return [], [f"line {n} is labelled week {m.group(1)}: number the weeks 1, 2, 3, ..."]
    tokens = [t for t in re.split(r"[\s,;]+", line[m.end():] if m else line) if t and not _DAY_NAME.match(t)]
    if len(tokens) != 5:
        return [], [f"week {n} has {len(tokens)} days; give Monday to Friday as am/pm hours, e.g. 3.25/0"]
    cells, errors = [], []
    for day, token in zip(DAYS, tokens, strict=True):
        cell = _CELL.match(token)
        if not cell:
            errors.append(f"week {n}, {day}: {token!r} is not am/pm hours such as 3.25/0")
            continue
        am, pm = float(cell.group(1)), float(cell.group(2))
        for part, hours, most in (("morning", am, full[0]), ("afternoon", pm, full[1])):
            if hours > most:
                errors.append(f"week {n}, {day} {part}: {hours:g} hours is more than the full session of {most:g}")
        cells.append([am, pm])
    return cells, errors


def parse_timetable(text: str, full_day: str, max_weeks: int) -> tuple[list[dict], list[str]]:
    """The weeks of a timetable and the reasons it is refused (none: it is acceptable).

    Refused: a first week already full time, a week with fewer hours than the one before, a last week
    that is not full time, or more weeks than `max_weeks` before full time.
    """
    try:
        full = parse_full_day(full_day)
    except ValueError as exc:
        return [], [str(exc)]
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return [], ["give at least one week"]
    weeks, errors = [], []
    for n, line in enumerate(lines, start=1):
        cells, problems = _parse_week(line, n, full)
        errors += problems
        if cells:
            full_time = all(c == list(full) for c in cells)
            weeks.append({"week": n, "days": dict(zip(DAYS, cells, strict=True)),
                          "hours": round(sum(a + p for a, p in cells), 2), "full_time": full_time})
    if errors:
        return weeks, errors
    first_full = next((w["week"] for w in weeks if w["full_time"]), None)
    if weeks[0]["full_time"]:
        errors.append("week 1 is already full time: a reintegration timetable reduces the hours at first")
    elif first_full is None:
        errors.append(f"week {len(weeks)}, the last, is not full time: the plan must end with a full-time week")
    elif first_full < len(weeks):
        errors.append(f"week {first_full} is already full time: end the timetable there")
    if (first_full or len(weeks)) > max_weeks:
        errors.append(f"the pupil is back to full time only in week {first_full or len(weeks)}: the timetable must "
                      f"progress back to full time within {max_weeks} weeks")
    for before, after in zip(weeks, weeks[1:], strict=False):
        if after["hours"] < before["hours"]:
            errors.append(f"week {after['week']} has fewer hours ({after['hours']:g}) than week {before['week']} "
                          f"({before['hours']:g}): the timetable must progress back to full time")
    return weeks, errors


def _required(case: dict) -> list[str]:
    return list(case.get("required_attendees") or [])


@topic("timetable_notify_attendance")
def notify_attendance(ctx: HandlerContext) -> dict:
    """The school notifies the County Attendance Team as soon as it considers a timetable."""
    ctx.send_mail("timetable_attendance_notice", "role:la_attendance", "timetable_attendance_notice",
                  school=ctx.data.get("home_school"), proposed_start_date=ctx.data.get("proposed_start_date"))
    return {"attendance_team_notified": True}


@topic("timetable_required_attendees")
def required_attendees(ctx: HandlerContext) -> dict:
    """The parties the decision table meeting_attendees requires, in the case's data."""
    ids = list(dict.fromkeys(ctx.data.get("attendee") or []))
    labels = dict(zip(ctx.data.get("attendee") or [], ctx.data.get("attendee_label") or [], strict=False))
    return {"required_attendees": ids, "required_attendee_labels": {i: labels.get(i, i) for i in ids},
            "required_attendees_text": "; ".join(labels.get(i, i) for i in ids)}


@validates("hold_planning_meeting")
def meeting_has_required_parties(values: dict, case: dict, policy) -> dict[str, str]:
    """The meeting cannot be recorded without every party the child's status requires."""
    labels = case.get("required_attendee_labels") or {}
    return {f"attended_{who}": f"{labels.get(who, who)} must attend the planning meeting (the child's status "
                               f"requires it); hold the meeting again with them"
            for who in _required(case) if values.get(f"attended_{who}") is not True}


@validates("agree_plan")
def plan_returns_to_full_time(values: dict, case: dict, policy) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("register_code_c2") is not True:
        errors["register_code_c2"] = ("The register must show the sessions off timetable as code C2 (part-time "
                                      "timetable) from August 2024: confirm the school records them so")
    start = date.fromisoformat(values["start_date"])
    if not policy.school_calendar().is_school_day(start):
        errors["start_date"] = f"The start date, {start:%A %-d %B %Y}, is not a school day"
    if case.get("meeting_date") and start < date.fromisoformat(case["meeting_date"]):
        errors["start_date"] = "The timetable cannot start before the planning meeting"
    try:
        parse_full_day(values["full_day"])
    except ValueError as exc:
        errors["full_day"] = str(exc)
        return errors
    _, problems = parse_timetable(values["weekly_timetable"], values["full_day"], policy.timetable_max_weeks)
    if problems:
        errors["weekly_timetable"] = "; ".join(problems)
    if values.get("early_help_assessment") != "not_needed" and not values.get("early_help_notes"):
        errors["early_help_notes"] = "Record the outcome of the Early Help Assessment decision"
    return errors


def _last_school_day(calendar, monday: date) -> date:
    return school_days_before(calendar, monday + timedelta(days=7), 1)


@topic("timetable_plan")
def plan(ctx: HandlerContext) -> dict:
    """The weeks and hours, the date by which the pupil must be full time, and the review dates."""
    data, policy, calendar = ctx.data, ctx.policy, ctx.policy.school_calendar()
    weeks, _ = parse_timetable(data["weekly_timetable"], data["full_day"], policy.timetable_max_weeks)
    mondays = week_mondays(calendar, date.fromisoformat(data["start_date"]), policy.timetable_max_weeks,
                           policy.unit("timetable_max_weeks"))
    for week, monday in zip(weeks, mondays, strict=False):
        week["from"] = max(monday, date.fromisoformat(data["start_date"])).isoformat()
    limit = _last_school_day(calendar, mondays[-1])
    every = int(data["review_interval_weeks"])
    reviews = [_last_school_day(calendar, m).isoformat() for m in mondays[every - 1::every]]
    if not reviews or reviews[-1] != limit.isoformat():
        reviews.append(limit.isoformat())  # a review when the maximum runs out, whatever the interval
    full_week = next(w for w in weeks if w["full_time"])
    return {"timetable_weeks": weeks, "weekly_hours": [w["hours"] for w in weeks],
            "full_time_from": full_week["from"], "timetable_limit_date": limit.isoformat(),
            "review_dates": reviews, "next_review_date": reviews[0], **watch(ctx, "timetable", limit)}


@validates("assess_risk")
def risk_assessed_before_start(values: dict, case: dict, policy) -> dict[str, str]:
    errors = {}
    if case.get("start_date") and values["risk_assessment_date"] > case["start_date"]:
        errors["risk_assessment_date"] = (f"The risk assessment must be carried out before the timetable starts "
                                          f"({case['start_date']})")
    if values.get("recorded_in_plan") is not True:
        errors["recorded_in_plan"] = "The risk assessment must be recorded formally in the plan"
    return errors


@validates("record_parental_agreement")
def written_agreement(values: dict, case: dict, policy) -> dict[str, str]:
    """Agreement means the parent's signature on the plan and the hours, dated."""
    if values.get("parent_agrees") is not True:
        return {}
    errors = {}
    for key, label in (("agreement_date", "the date it was signed"), ("signed_by", "who signed it")):
        if not values.get(key):
            errors[key] = f"Written agreement needs {label}"
    if values.get("plan_and_hours_signed") is not True:
        errors["plan_and_hours_signed"] = "The plan and the teaching hours must be signed by the parent/carer"
    if [w for w in _required(case) if w != "parent_carer"] and values.get("agencies_agree") is None:
        errors["agencies_agree"] = (f"Record whether {case.get('required_attendees_text')} agree: the child's "
                                    f"status requires their agreement too")
    return errors


@topic("timetable_agreement")
def agreement(ctx: HandlerContext) -> dict:
    """No written agreement, no timetable; with it, the LA must have the plan within la_notice_days."""
    data = ctx.data
    agreed = data.get("parent_agrees") is True and data.get("agencies_agree") is not False
    if not agreed:
        who = "the parent/carer" if data.get("parent_agrees") is not True else "the agencies the child's status requires"
        return {"timetable_agreed": False, "not_agreed_by": who}
    signed = date.fromisoformat(data["agreement_date"])
    due = due_after(ctx, "la_notice_days", signed)
    out = {"timetable_agreed": True, "la_notice_due": due.isoformat(), **watch(ctx, "send_plan_to_la", due)}
    # With a notice period as short as the reminder period, remind on the morning of the due day instead.
    if remind_on(ctx, due) <= signed:
        out["send_plan_to_la_remind_at"] = _local_morning(ctx.policy, due)
    return out


@topic("timetable_not_agreed")
def not_agreed(ctx: HandlerContext) -> dict:
    message = (f"Without the written agreement of {ctx.data.get('not_agreed_by')} a reduction in hours cannot be "
               f"implemented: no reintegration timetable starts and the pupil remains in full-time education.")
    ctx.send_mail("timetable_not_agreed", "role:la_attendance", "timetable_not_agreed",
                  school=ctx.data.get("home_school"), message=message)
    return {"outcome": "not_agreed", "timetable_status": message}


def plan_summary(data: dict) -> dict:
    """What the LA (and the half-termly list) sees of a plan: hours, dates, people, no names."""
    return {"school": data.get("home_school"), "plan_type": data.get("plan_type"),
            "start_date": data.get("start_date"), "full_time_from": data.get("full_time_from"),
            "limit_date": data.get("timetable_limit_date"), "weeks": data.get("timetable_weeks") or [],
            "named_person": data.get("named_person"), "review_dates": data.get("review_dates") or [],
            "early_help_assessment": data.get("early_help_assessment")}


@topic("timetable_send_to_la")
def send_to_la(ctx: HandlerContext) -> dict:
    ctx.send_mail("timetable_plan_to_la", "role:la_attendance", "timetable_plan_to_la", **plan_summary(dict(ctx.data)))
    return {"la_has_plan": True}


@validates("review_timetable")
def review_after_start(values: dict, case: dict, policy) -> dict[str, str]:
    if case.get("start_date") and values["review_date"] < case["start_date"]:
        return {"review_date": f"The review cannot be before the timetable started ({case['start_date']})"}
    return {}


@topic("timetable_review")
def review(ctx: HandlerContext) -> dict:
    """Keep the review; the next one is the next scheduled date, or a week on once the schedule is spent."""
    data = ctx.data
    held = date.fromisoformat(data["review_date"])
    reviews = [*data.get("timetable_reviews", []), {
        "date": data["review_date"], "week": data["week_number"], "hours": data["hours_this_week"],
        "back_full_time": data["back_full_time"]}]
    later = [d for d in data.get("review_dates", []) if d > data["review_date"]]
    following = later[0] if later else ctx.policy.school_calendar().next_school_day(held + timedelta(weeks=1)).isoformat()
    return {"timetable_reviews": reviews, "next_review_date": following}


@topic("timetable_completed")
def completed(ctx: HandlerContext) -> dict:
    on = ctx.data["review_date"]
    within = on <= ctx.data["timetable_limit_date"]
    ctx.send_mail("timetable_ended", "role:la_attendance", "timetable_ended", school=ctx.data.get("home_school"),
                  full_time_on=on, within_limit=within, max_weeks=ctx.policy.timetable_max_weeks)
    return {"outcome": "full_time", "full_time_on": on, "full_time_within_limit": within}

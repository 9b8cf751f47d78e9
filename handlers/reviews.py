"""Review meetings (the Worcestershire protocol, steps 6 and 7): who must attend an emergency review, and reviews that move:
each review may set the next one's date, and between reviews a party may move it, with a reason."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic, validates

from .deadlines import watch


@validates("hold_emergency_review")
def emergency_review_parties(values: dict, case: dict, policy) -> dict[str, str]:
    """Step 7: the emergency review must include the AP setting, the family and the LA. A review that lets the
    reintegration continue may set the next review's date, as any review may."""
    labels = {"ap_present": "the AP setting", "family_present": "the family", "la_present": "the local authority"}
    errors = {key: f"An emergency review must include {who}" for key, who in labels.items()
              if values.get(key) is not True}
    when = values.get("next_review_date")
    if not when:
        return errors
    if values.get("emergency_decision") != "continue":
        return {**errors, "next_review_date": "Only a reintegration that continues has a next review"}
    if when <= values["meeting_date"]:
        return {**errors, "next_review_date": "The next review must be after this meeting"}
    n = case.get("next_review") or 1
    return {**errors, **_next_date_errors("next_review_date", when, n, {**case, "_today": None}, policy)}


@validates("emergency_review_requested")
def emergency_review_has_a_reason(values: dict, case: dict, policy) -> dict[str, str]:
    """A request for an emergency review says why, from whichever way it comes in (the web form, the API, the
    command line): the diagram's field is optional, the reason is what the review meets about."""
    reason = values.get("reason")
    if isinstance(reason, str) and reason.strip():
        return {}
    return {"reason": "Enter why an emergency review is needed"}


@topic("emergency_review_held")
def emergency_review_held(ctx: HandlerContext) -> dict:
    """When the reintegration continues with a new date for the next review, the request that moves it: thrown
    inside the case as the message ``review_date_changed``, which the next review catches as it catches a
    party's request (``move_review``). The date is consumed, so the next emergency review starts blank. (The
    failure letter finds each review in the case's history: schooling/review_meetings.py.)"""
    data = ctx.data
    out = {"next_review_date": None, "emergency_review_moves_next": False, "emergency_review_move": None}
    when = data.get("next_review_date")
    if when and data.get("emergency_decision") == "continue":
        out["emergency_review_moves_next"] = True
        out["emergency_review_move"] = {"review_date": when, "by": "emergency review",
                                        "reason": f"agreed at the emergency review held on {data.get('meeting_date')}"}
    return out


_TASKS = {1: "interim_review_1", 2: "interim_review_2", 3: "final_review"}
_NAMES = {1: "first interim review", 2: "second interim review", 3: "final review"}


def _move(ctx: HandlerContext, n: int, to: str, by: str, reason: str) -> dict:
    """Review ``n`` moves to ``to``: its due date, reminder and escalation with it, and the move kept."""
    key = f"review_{n}_date"
    was = ctx.data.get(key)
    out: dict = {"next_review": n, "next_meeting_date": None}
    if not to or to == was:
        return out
    moved_on = ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date().isoformat()
    move = {"review": n, "from": was, "to": to, "by": by, "reason": reason, "on": moved_on}
    return {**out, key: to, "review_moves": [*ctx.data.get("review_moves", []), move],
            **watch(ctx, _TASKS[n], date.fromisoformat(to))}


@topic("review_next_date")
def review_next_date(ctx: HandlerContext) -> dict:
    """The review just held set the next one's date ("Date of next meeting"); blank keeps the planned date."""
    n = int(ctx.params["review"])
    held = ctx.data.get("meeting_date")
    return _move(ctx, n, ctx.data.get("next_meeting_date"), _NAMES[n - 1],
                 f"agreed at the {_NAMES[n - 1]} held on {held}")


@topic("move_review")
def move_review(ctx: HandlerContext) -> dict:
    """Between reviews, a party moves the next review with a reason (message ``review_date_changed``); an
    emergency review that lets the reintegration continue sends the same message from inside the case."""
    n = int(ctx.params["review"])
    request = ctx.data.get("review_date_changed") or {}
    return _move(ctx, n, request.get("review_date"), request.get("by") or "a request between reviews",
                 request.get("reason", ""))


@validates("review_date_changed")
def review_date_change_is_sound(values: dict, case: dict, policy) -> dict[str, str]:
    """A new date for the next review: a school day, not in the past, with a reason; the final review
    stays within the limit after the start date."""
    return _next_date_errors("review_date", values.get("review_date"), case.get("next_review") or 1, case, policy,
                             values.get("reason"))


def _next_date_errors(field: str, when: str | None, n: int, case: dict, policy, reason=True) -> dict[str, str]:
    if not isinstance(when, str):
        return {field: "Give the new date of the review (YYYY-MM-DD)"}
    try:
        day = date.fromisoformat(when)
    except ValueError:
        return {field: f"{when!r} is not a date (YYYY-MM-DD)"}
    if not (isinstance(reason, str) and reason.strip()) and reason is not True:
        return {"reason": "Say why the review is moving"}
    if not policy.school_calendar().is_school_day(day):
        return {field: f"{day:%A %-d %B %Y} is not a school day"}
    today = case.get("_today")
    if today and when < today:
        return {field: f"{day:%A %-d %B %Y} is in the past"}
    start = case.get("start_date")
    if n == 3 and start and day > policy.add("final_review_max_weeks", date.fromisoformat(start)):
        limit = policy.add("final_review_max_weeks", date.fromisoformat(start))
        return {field: (f"The final review must be within {policy.final_review_max_weeks} weeks of the start "
                        f"date (by {limit.isoformat()})")}
    return {}


def _review_next(values: dict, case: dict, policy, n: int) -> dict[str, str]:
    when = values.get("next_meeting_date")
    if not when:
        return {}
    if when <= values["meeting_date"]:
        return {"next_meeting_date": "The next meeting must be after this one"}
    return _next_date_errors("next_meeting_date", when, n, {**case, "_today": None}, policy)


@validates("interim_review_1")
def first_review_sets_the_second(values: dict, case: dict, policy) -> dict[str, str]:
    return _review_next(values, case, policy, 2)


@validates("interim_review_2")
def second_review_sets_the_final(values: dict, case: dict, policy) -> dict[str, str]:
    return _review_next(values, case, policy, 3)

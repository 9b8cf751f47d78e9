"""SEMH engagement placements and their follow-up (the SEMH reintegration service's service level agreement).

Core Offer Inclusion Placements are counted across cases by `schooling.core_places`, which allocates
them by message; these handlers see one case only.
"""
from __future__ import annotations

from datetime import date, timedelta

from engine.effects import HandlerContext
from engine.registry import topic, validates
from schooling.terms import terms_after

from .deadlines import _local_morning, due_after, watch

#: The SEMH service level agreement: attendance above the persistent-absence line means missing under 10% of sessions.
PERSISTENT_ABSENCE_PERCENT = 10


@topic("semh_allocation")
def allocation(ctx: HandlerContext) -> dict:
    """The termly inclusion meeting's allocation, delivered as the message `inclusion_allocation`."""
    given = dict(ctx.data["inclusion_allocation"])
    return {"offer": given["offer"], "placement_term": given["term"], "allocation_meeting_date": given["meeting_date"],
            "core_place_number": given.get("place_number")}


@validates("record_additional_funding")
def funding_recorded(values: dict, case: dict, policy) -> dict[str, str]:
    if values.get("funding_agreed") is True and not values.get("funding_amount"):
        return {"funding_amount": "An Additional Offer Engagement Placement needs the funding agreed for it"}
    return {}


@topic("semh_not_funded")
def not_funded(ctx: HandlerContext) -> dict:
    return {"outcome": "not_funded"}


@validates("complete_sla")
def sla_signed_by_both(values: dict, case: dict, policy) -> dict[str, str]:
    """The SLA is between the home school and the provider: both must sign it."""
    return {key: f"The service level agreement needs {who}'s agreement" for key, who in
            (("home_school_agrees", "the home school"), ("provider_agrees", "the provider"))
            if values.get(key) is not True}


@validates("plan_transition")
def placement_starts_on_a_school_day(values: dict, case: dict, policy) -> dict[str, str]:
    start = date.fromisoformat(values["placement_start_date"])
    if not policy.school_calendar().is_school_day(start):
        return {"placement_start_date": f"{start:%A %-d %B %Y} is not a school day"}
    if case.get("sla_date") and values["placement_start_date"] < case["sla_date"]:
        return {"placement_start_date": "The placement cannot start before the service level agreement"}
    return {}


@topic("semh_placement_deadline")
def placement_deadline(ctx: HandlerContext) -> dict:
    """The SEMH service level agreement: no young person stays on the engagement programme for more than 12 weeks."""
    start = date.fromisoformat(ctx.data["placement_start_date"])
    end_by = due_after(ctx, "placement_max_weeks", start) - timedelta(days=1)
    return {"placement_end_by": end_by.isoformat(), **watch(ctx, "placement", end_by)}


@topic("semh_withdraw_place")
def withdraw_place(ctx: HandlerContext) -> dict:
    """A permanent exclusion by the school withdraws this core placement, at any stage before the return."""
    exclusion = dict(ctx.data.get("core_place_withdrawn") or {})
    for to in ("home_school_head", "semh_provider"):
        ctx.send_mail("semh_place_withdrawn", f"role:{to}", f"semh_place_withdrawn:{to}",
                      school=ctx.data.get("home_school"), term=ctx.data.get("placement_term"),
                      excluded_on=exclusion.get("excluded_on"),
                      started=ctx.data.get("placement_start_date") if ctx.data.get("placement_end_by") else None)
    return {"outcome": "core_place_withdrawn", "withdrawn_after_exclusion_on": exclusion.get("excluded_on")}


@topic("semh_progress")
def progress(ctx: HandlerContext) -> dict:
    data = ctx.data
    entry = {"date": data["review_date"], "attendance_percent": data["attendance_percent"],
             "reintegration_date": data.get("reintegration_date")}
    return {"progress_reviews": [*data.get("progress_reviews", []), entry]}


@validates("review_placement_progress")
def reintegration_date_within_limit(values: dict, case: dict, policy) -> dict[str, str]:
    if values.get("reintegration_date_agreed") is not True:
        return {}
    when = values.get("reintegration_date")
    if not when:
        return {"reintegration_date": "Give the reintegration date agreed with the home school"}
    if not policy.school_calendar().is_school_day(date.fromisoformat(when)):
        return {"reintegration_date": f"{when} is not a school day"}
    if when < values["review_date"]:
        return {"reintegration_date": "The reintegration date cannot be before this review"}
    # Past the limit (escalated already), the return is as soon as it can be agreed.
    end_by = case.get("placement_end_by")
    if end_by and when > end_by and values["review_date"] <= end_by:
        return {"reintegration_date": (f"The young person must return by the {policy.placement_max_weeks}-week "
                                       f"point ({end_by})")}
    return {}


@validates("plan_reintegration")
def plan_reviewed_with_everyone(values: dict, case: dict, policy) -> dict[str, str]:
    return {key: f"The reintegration plan must be reviewed with {who}" for key, who in (
        ("reviewed_with_young_person", "the young person"), ("reviewed_with_parent_carer", "the parent/carer"),
        ("reviewed_with_home_school", "the home school")) if values.get(key) is not True}


def kpi_dates(ctx: HandlerContext, returned: date) -> dict:
    """When the follow-up checks fall: after 2 whole terms following the return, and a year on."""
    calendar = ctx.policy.school_calendar()
    third = terms_after(calendar, returned, 3)
    try:
        year_on = returned.replace(year=returned.year + 1)
    except ValueError:  # 29 February
        year_on = returned + timedelta(days=365)
    return {"kpi_two_terms_from": terms_after(calendar, returned, 1).start.isoformat(),
            "kpi_two_terms_at": _local_morning(ctx.policy, calendar.next_school_day(third.start)),
            "kpi_one_year_at": _local_morning(ctx.policy, calendar.next_school_day(year_on))}


@topic("semh_return")
def record_return(ctx: HandlerContext) -> dict:
    """The return: weeks on the programme, the 12-week KPI, a challenge when the plan is not followed."""
    data = ctx.data
    returned = date.fromisoformat(data["returned_on"])
    weeks = ((returned - date.fromisoformat(data["placement_start_date"])).days + 6) // 7
    out = {"placement_weeks": weeks, "kpi_within_12_weeks_met": data["returned_on"] <= data["placement_end_by"],
           "outcome": "returned" if data["returned_to_home_school"] else "not_returned"}
    if data.get("plan_followed_by_home_school") is False:
        ctx.send_mail("semh_challenge_home_school", "role:home_school_head", f"semh_challenge:{data['returned_on']}",
                      school=data.get("home_school"), concerns=data.get("concerns") or "")
        out["home_school_challenged"] = True
    if data["returned_to_home_school"]:
        out.update(kpi_dates(ctx, returned))
    else:
        ctx.send_mail("semh_kpi_missed", "role:la_admissions", "semh_not_returned", school=data.get("home_school"),
                      missed=["return to the home school by the end of the programme"])
    return out


@topic("semh_feedback")
def feedback(ctx: HandlerContext) -> dict:
    given = [ctx.data[k] for k in ("young_person_feedback", "parent_carer_feedback", "school_feedback")]
    return {"feedback_positive": sum(1 for g in given if g == "positive"), "feedback_given": len(given)}


@validates("record_two_term_kpis")
def sessions_add_up(values: dict, case: dict, policy) -> dict[str, str]:
    if values["sessions_missed"] > values["sessions_possible"]:
        return {"sessions_missed": "More sessions missed than possible"}
    return {}


def _report_misses(ctx: HandlerContext, purpose: str, missed: list[str]) -> None:
    if missed:
        ctx.send_mail("semh_kpi_missed", "role:la_admissions", purpose, school=ctx.data.get("home_school"),
                      missed=missed)


@topic("semh_kpi_two_terms")
def kpi_two_terms(ctx: HandlerContext) -> dict:
    """Attendance above the persistent-absence line, and no suspensions, for 2 terms after the return."""
    data = ctx.data
    missed_percent = round(100 * data["sessions_missed"] / data["sessions_possible"], 1)
    out = {"kpi_absence_percent": missed_percent,
           "kpi_attendance_met": missed_percent < PERSISTENT_ABSENCE_PERCENT,
           "kpi_no_suspensions_met": data["suspensions"] == 0,
           "kpi_behaviour_met": bool(data["behaviour_improved"] and data["progress_improved"])}
    _report_misses(ctx, "semh_kpi_two_terms", [label for key, label in (
        ("kpi_attendance_met", f"attendance above the persistent-absence line ({missed_percent}% of sessions missed)"),
        ("kpi_no_suspensions_met", f"no suspensions for 2 terms ({data['suspensions']} recorded)"),
        ("kpi_behaviour_met", "improvement in behaviour regulation, engagement and progress")) if not out[key]])
    return out


@topic("semh_kpi_one_year")
def kpi_one_year(ctx: HandlerContext) -> dict:
    """No permanent exclusion, and no provision but the home school, for a year after the return."""
    data = ctx.data
    out = {"kpi_no_permanent_exclusion_met": data["permanently_excluded"] is False,
           "kpi_home_school_only_met": data["other_provision"] is False, "outcome": "followed_up"}
    _report_misses(ctx, "semh_kpi_one_year", [label for key, label in (
        ("kpi_no_permanent_exclusion_met", "no permanent exclusion for 1 academic year"),
        ("kpi_home_school_only_met", "no provision other than the home school for 1 year")) if not out[key]])
    return out

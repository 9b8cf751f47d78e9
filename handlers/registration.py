"""Checks on the initial meeting and dual registration (the Worcestershire protocol, steps 4 and 5)."""
from __future__ import annotations

from datetime import date

from engine.registry import validates


@validates("hold_initial_meeting")
def initial_meeting_dates(values: dict, case: dict, policy) -> dict[str, str]:
    """Review dates, where given, follow the start date in order; the final one within 6 weeks."""
    errors: dict[str, str] = {}
    start = date.fromisoformat(values["start_date"])
    if not policy.school_calendar().is_school_day(start):
        errors["start_date"] = f"The start date, {start:%A %-d %B %Y}, is not a school day"
    if "place_offered_date" in case and start < date.fromisoformat(case["place_offered_date"]):
        errors["start_date"] = "Start date cannot be before the place was offered"
    previous, previous_label = start, "the start date"
    for n in (1, 2, 3):
        key = f"review_{n}_date"
        if key not in values:
            continue
        when = date.fromisoformat(values[key])
        if when <= previous:
            errors[key] = f"Review {n} must be after {previous_label}"
        elif not policy.school_calendar().is_school_day(when):
            errors[key] = f"Review {n} falls on {when:%A %-d %B %Y}, which is not a school day"
        previous, previous_label = when, f"review {n}"
    final = values.get("review_3_date")
    limit = policy.add("final_review_max_weeks", start)
    if final and date.fromisoformat(final) > limit:
        errors["review_3_date"] = (f"The final review must be within {policy.final_review_max_weeks} weeks "
                                   f"of the start date (by {limit.isoformat()})")
    return errors


@validates("confirm_dual_registration")
def dual_registration_done(values: dict, case: dict, policy) -> dict[str, str]:
    """Dual registration means both: the host's joiner form and the AP's code D."""
    errors = {}
    if values.get("joiner_form_completed") is not True:
        errors["joiner_form_completed"] = "The host school must complete the joiner form first"
    if values.get("ap_register_code_d") is not True:
        errors["ap_register_code_d"] = "The AP setting must mark the register with code D first"
    return errors

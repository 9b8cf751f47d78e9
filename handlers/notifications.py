"""Notifications to the local authority's School Admissions team."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic


def _pupil(ctx: HandlerContext) -> str:
    return f"{ctx.data.get('pupil_name', 'the pupil')} (born {ctx.data.get('pupil_dob', 'unknown')})"


@topic("notify_la_referral")
def notify_la_referral(ctx: HandlerContext) -> dict:
    """Seed 002 step 2: the AP head tells School Admissions a reintegration is required."""
    ctx.send_mail(
        ctx.policy.la_admissions_email,
        f"Reintegration referral for Fair Access: case {ctx.case_id}",
        f"{ctx.data.get('ap_setting', 'The AP setting')} asks that {_pupil(ctx)} be brought to the "
        f"Fair Access panel for reintegration. Parental consent was given on "
        f"{ctx.data.get('consent_date', 'an unrecorded date')}; the parent would like "
        f"{ctx.data.get('preferred_school') or 'no particular school'} to be considered.",
        purpose="la_referral",
    )
    return {"la_referral_notified": True}


@topic("notify_la_outcome")
def notify_la_outcome(ctx: HandlerContext) -> dict:
    """Seed 002 steps 5 and 9: Admissions receive the outcome so the weightings grid can be adjusted."""
    successful = "date_on_roll" in ctx.data and "date_of_return" not in ctx.data
    outcome = "successful" if successful else "unsuccessful"
    detail = (
        f"placed on the roll of {ctx.data.get('host_school')} on {ctx.data.get('date_on_roll')}"
        if successful
        else f"returning to {ctx.data.get('ap_setting')} on {ctx.data.get('date_of_return')}"
    )
    ctx.send_mail(
        ctx.policy.la_admissions_email,
        f"Reintegration {outcome}: case {ctx.case_id}",
        f"The reintegration of {_pupil(ctx)} was {outcome}: {detail}.",
        purpose="la_outcome",
    )
    return {"outcome": outcome, "la_notified_of_outcome": True}

"""Notifications to the local authority's School Admissions team."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic

from .rolls import transfer_out


@topic("notify_la_referral")
def notify_la_referral(ctx: HandlerContext) -> dict:
    """The Worcestershire protocol, step 2: the AP head tells School Admissions a reintegration is required."""
    ctx.send_mail("la_referral", "role:la_admissions", "la_referral", ap_setting=ctx.data.get("ap_setting"),
                  consent_date=ctx.data.get("consent_date"), preferred_school=ctx.data.get("preferred_school"))
    # The referral is made once the information and the child's views are gathered: it is dated by the
    # views form (forms are often typed up after the day), or today when the form carries no date.
    today = ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date().isoformat()
    return {"la_referral_notified": True, "la_referral_date": ctx.data.get("views_date") or today}


@topic("notify_la_outcome")
def notify_la_outcome(ctx: HandlerContext) -> dict:
    """The Worcestershire protocol, steps 5 and 9: Admissions receive the outcome so the weightings grid can be adjusted."""
    successful = "date_on_roll" in ctx.data and "date_of_return" not in ctx.data
    outcome = "successful" if successful else "unsuccessful"
    ctx.send_mail("la_outcome", "role:la_admissions", "la_outcome", outcome=outcome,
                  host_school=ctx.data.get("host_school"), ap_setting=ctx.data.get("ap_setting"),
                  date_on_roll=ctx.data.get("date_on_roll"), date_of_return=ctx.data.get("date_of_return"),
                  transfer_out=transfer_out(ctx.data, ctx.policy),
                  deletion_ground=(ctx.data.get("deletion_return") or {}).get("ground"))
    return {"outcome": outcome, "la_notified_of_outcome": True}

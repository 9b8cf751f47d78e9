"""Advocacy for reintegrations at risk of failing (the Higher Needs Recovery Group's advocacy pilot).

A pupil judged ready for reintegration but at risk of it failing gets a third-party advocate for a
planned period (9 weeks), who engages the student and family at once, supports the transition, links
the family to community support and keeps up continuous contact. The case shows the transition's cost
beside the current setting's cost and the mainstream funding, as the seed's table does.
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from engine.effects import HandlerContext
from engine.registry import topic, validates

from .deadlines import _local_morning, due_after, watch

#: The HNRG advocacy pilot's five reasons reintegrations fail, as recorded on the risk assessment.
RISK_REASONS = {
    "risk_student_anxiety": "Student anxiety about exclusion from a new placement",
    "risk_wish_to_stay_in_ap": "A wish to stay with peers and staff in the alternative provision",
    "risk_parental_anxiety": "Parental anxiety over the move",
    "risk_lack_of_partner_support": "Lack of support for the reintegration from partner agencies",
    "risk_school_concerns": "School concerns about the support available for the transition",
}
TRANSITION_TYPES = {"one_to_one": "1:1", "two_to_two": "2:2"}
FUNDING = {"high_needs_budget": "the high-needs budget", "on_roll_school": "the on-roll school (managed move)"}
LAST_PRIMARY_YEAR = 6


@validates("gather_information")
def advocacy_needs_reasons_and_costs(values: dict, case: dict, policy) -> dict[str, str]:
    """Advocacy is for a pupil at risk: at least one of the five reasons, and what costing needs."""
    if values.get("advocacy_needed") is not True:
        return {}
    errors = {}
    if not any(values.get(key) for key in RISK_REASONS):
        errors["advocacy_needed"] = "Advocacy is for a reintegration at risk: tick at least one reason"
    # The advocacy provider: asked on the versions of the form that have the field (before it, the outreach team did it).
    provider = (("advocacy_provider", "the advocacy provider who will be the advocate"),) \
        if "advocacy_provider" in case.get("_fields", ("advocacy_provider",)) else ()
    for key, label in (*provider,
                       ("transition_type", "the transition type (1:1 or 2:2)"),
                       ("advocacy_funding", "who funds the advocacy"),
                       ("current_setting_funding", "the current setting's annual cost"),
                       ("year_group", "the pupil's year group")):
        if values.get(key) is None or values.get(key) == "":
            errors[key] = f"Advocacy needs {label}"
    return errors


def advocacy_costs(data: dict, policy) -> dict:
    """The HNRG advocacy pilot's table for one pupil: the transition cost beside the current and mainstream funding."""
    current = int(data["current_setting_funding"])
    primary = int(data["year_group"]) <= LAST_PRIMARY_YEAR
    mainstream = policy.mainstream_funding_primary if primary else policy.mainstream_funding_secondary
    transition = policy.advocacy_transition_cost
    return {
        "transition_type": TRANSITION_TYPES[data["transition_type"]],
        "current_setting_funding": current,
        "transition_cost": transition,
        "mainstream_funding": mainstream,
        # What the high-needs budget stops paying if the reintegration holds, net of its two new costs.
        "net_saving_if_reintegrated": current - transition - mainstream,
    }


@topic("advocacy_plan")
def advocacy_plan(ctx: HandlerContext) -> dict:
    """Engage at once: the period runs `advocacy_weeks` from today; the advocacy provider is told now."""
    start = ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date()
    end = due_after(ctx, "advocacy_weeks", start)
    reasons = [label for key, label in RISK_REASONS.items() if ctx.data.get(key)]
    costs = advocacy_costs(dict(ctx.data), ctx.policy)
    ctx.send_mail("advocacy_referral", "role:advocacy_provider", "advocacy_referral", reasons=reasons,
                  weeks=ctx.policy.advocacy_weeks, start=start.isoformat(), end=end.isoformat(),
                  transition_type=costs["transition_type"], funding=FUNDING[ctx.data["advocacy_funding"]],
                  ap_setting=ctx.data.get("ap_setting"))
    return {
        "advocacy_status": "engaged",
        "advocacy_reasons": reasons,
        "advocacy_start_date": start.isoformat(),
        "advocacy_end_date": end.isoformat(),
        "advocacy_end_at": _local_morning(ctx.policy, end),
        "advocacy_costs": costs,
        "advocacy_contacts": [],
        **watch(ctx, "close_advocacy", end),
    }


@topic("advocacy_contact")
def advocacy_contact(ctx: HandlerContext) -> dict:
    """The HNRG advocacy pilot: "planned, continuous advocacy for the family and student": every contact is kept."""
    contacts = [*ctx.data.get("advocacy_contacts", []),
                {"date": ctx.data["advocacy_contact_date"], "with": ctx.data["advocacy_contact_with"]}]
    return {"advocacy_contacts": contacts, "advocacy_contacts_count": len(contacts)}


@validates("record_advocacy_contact")
def contact_in_period(values: dict, case: dict, policy) -> dict[str, str]:
    start, when = case.get("advocacy_start_date"), values.get("advocacy_contact_date")
    if start and when and when < start:
        return {"advocacy_contact_date": f"The advocacy started on {start}"}
    return {}


@topic("advocacy_closed")
def advocacy_closed(ctx: HandlerContext) -> dict:
    """The end of the advocacy: its outcome and contacts, sent to the AP setting that asked for it."""
    start = date.fromisoformat(ctx.data["advocacy_start_date"])
    today = ctx.now.astimezone(ZoneInfo(ctx.policy.timezone)).date()
    contacts = ctx.data.get("advocacy_contacts", [])
    ctx.send_mail("advocacy_closed", "role:ap_setting", "advocacy_closed", outcome=ctx.data["advocacy_outcome"],
                  contacts=len(contacts), start=start.isoformat(), closed=today.isoformat(),
                  community_links=ctx.data.get("community_links"))
    return {"advocacy_status": "closed", "advocacy_closed_on": today.isoformat(),
            "advocacy_weeks_delivered": -(-(today - start).days // 7), "advocacy_contacts_count": len(contacts)}

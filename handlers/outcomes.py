"""Recording how a case ended."""
from __future__ import annotations

from datetime import date

from engine.effects import HandlerContext
from engine.registry import topic, validates

from .deadlines import due_after, watch


@topic("leavers_form_deadline")
def leavers_form_deadline(ctx: HandlerContext) -> dict:
    """The AP setting's Leavers Form is due `leavers_form_days` (policy, in its unit) after the pupil goes on the
    host school's roll: by default that day, when the AP deletes the pupil from its own; reminded and escalated
    like every deadline."""
    on_roll = date.fromisoformat(ctx.data["date_on_roll"])
    due = due_after(ctx, "leavers_form_days", on_roll)
    return {"leavers_form_due": due.isoformat(), **watch(ctx, "complete_leavers_form", due)}


@validates("complete_leavers_form")
def leavers_form_done(values: dict, case: dict, policy) -> dict[str, str]:
    """The AP setting tells the LA the pupil has left its roll by completing the Leavers Form."""
    if values.get("leavers_form_completed") is not True:
        return {"leavers_form_completed": "Complete the Leavers Form on the Children's Services Portal first"}
    return {}


@topic("record_not_agreed")
def record_not_agreed(ctx: HandlerContext) -> dict:
    """The Worcestershire protocol: without the parent's agreement, or their consent to share the child's information, or the
    agreement of both holders of parental responsibility, there is no reintegration; the case says which."""
    data = ctx.data
    if data.get("parent_agrees") is False:
        why = "The parent/carer does not agree to a reintegration."
    elif data.get("consent_to_share_information") is False:
        why = ("The parent/carer refused consent to share the child's information: the AP setting cannot approach "
               "another school without it, so the referral stops here.")
    else:
        why = "The holders of parental responsibility did not reach agreement over the reintegration."
    return {"outcome": "not_agreed", "not_agreed_reason": why}

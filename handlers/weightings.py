"""The Fair Access weightings grid: a permanent move counts +3 in, -3 out (the Worcestershire protocol, step 10)."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic
from schooling.weightings import WeightingAdjustment

from .rolls import transfer_out

TRANSFER_POINTS = 3


@topic("adjust_weightings")
def adjust_weightings(ctx: HandlerContext) -> dict:
    """+3 to the host school; -3 to the roll the pupil leaves, as the policy says (`weightings_transfer_out`)."""
    ctx.add_effect(WeightingAdjustment(ctx.data["host_school"], +TRANSFER_POINTS, f"transfer in: reintegration {ctx.case_id}"))
    left = transfer_out(ctx.data, ctx.policy)
    if left:
        ctx.add_effect(WeightingAdjustment(left, -TRANSFER_POINTS, f"transfer out: reintegration {ctx.case_id}"))
    return {"weightings_adjusted": True}

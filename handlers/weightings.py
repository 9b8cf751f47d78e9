"""The Fair Access weightings grid: a permanent move counts +3 in, -3 out (the Worcestershire protocol, step 10)."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic
from schooling.weightings import WeightingAdjustment

TRANSFER_POINTS = 3


@topic("adjust_weightings")
def adjust_weightings(ctx: HandlerContext) -> dict:
    host, ap = ctx.data["host_school"], ctx.data["ap_setting"]
    ctx.add_effect(WeightingAdjustment(host, +TRANSFER_POINTS, f"transfer in: reintegration {ctx.case_id}"))
    ctx.add_effect(WeightingAdjustment(ap, -TRANSFER_POINTS, f"transfer out: reintegration {ctx.case_id}"))
    return {"weightings_adjusted": True}

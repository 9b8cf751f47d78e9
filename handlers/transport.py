"""Transport redesignation after a successful reintegration (seed 002, Transport)."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic


@topic("redesignate_transport")
def redesignate_transport(ctx: HandlerContext) -> dict:
    """School Admissions redesignate the school for transport; assistance is assessed per policy."""
    ctx.send_mail(
        ctx.policy.la_admissions_email,
        f"Redesignate school for transport: case {ctx.case_id}",
        f"{ctx.data.get('pupil_name')} is now on the roll of {ctx.data.get('host_school')}. Please "
        f"redesignate the school for transport purposes and assess transport assistance in line with "
        f"policy. Arrangements agreed at the initial meeting: "
        f"{ctx.data.get('transport_arrangements') or 'not recorded'}.",
        purpose="transport_redesignation",
    )
    return {"transport_redesignated": True}

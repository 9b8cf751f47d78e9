"""Transport redesignation after a successful reintegration (the Worcestershire protocol, Transport)."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic


@topic("redesignate_transport")
def redesignate_transport(ctx: HandlerContext) -> dict:
    """School Admissions redesignate the school for transport; assistance is assessed per policy."""
    ctx.send_mail("transport_redesignation", "role:la_admissions", "transport_redesignation",
                  host_school=ctx.data.get("host_school"),
                  transport_arrangements=ctx.data.get("transport_arrangements"))
    return {"transport_redesignated": True}

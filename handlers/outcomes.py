"""Recording how a case ended."""
from __future__ import annotations

from engine.effects import HandlerContext
from engine.registry import topic


@topic("record_not_agreed")
def record_not_agreed(ctx: HandlerContext) -> dict:
    """Seed 002: without the parent's agreement there is no reintegration."""
    return {"outcome": "not_agreed"}

"""Checks on review meetings (seed 002 steps 6 and 7)."""
from __future__ import annotations

from engine.registry import validates


@validates("hold_emergency_review")
def emergency_review_parties(values: dict, case: dict, policy) -> dict[str, str]:
    """Step 7: the emergency review must include the AP setting, the family and the LA."""
    labels = {"ap_present": "the AP setting", "family_present": "the family", "la_present": "the local authority"}
    return {key: f"An emergency review must include {who}" for key, who in labels.items()
            if values.get(key) is not True}

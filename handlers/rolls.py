"""Who is on which roll (the Worcestershire protocol's NB: its forms are for pupils "not already also on the roll
of a mainstream school"). A case may name a mainstream home school or not; when it does not, the AP setting
is the school the pupil returns to if the reintegration fails, and it does the home school's part."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def home_setting(data: Mapping[str, Any]) -> tuple[str | None, str]:
    """(name, party field) of the school the pupil goes back to: the mainstream home school the case names,
    else the AP setting, whose roll the pupil is on."""
    if data.get("home_school"):
        return data["home_school"], "home_school"
    return data.get("ap_setting"), "ap_setting"


def transfer_out(data: Mapping[str, Any], policy) -> str | None:
    """The school or setting whose roll the pupil leaves on a permanent move: the first party of the policy's
    `weightings_transfer_out` that the case names (by default the home school, else the AP setting)."""
    return next((data[party] for party in policy.weightings_transfer_out if data.get(party)), None)

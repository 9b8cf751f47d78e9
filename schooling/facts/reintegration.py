"""The report facts of a `reintegration` case: the Worcestershire protocol, and the HNRG advocacy pilot for its
branch: the schools, SEND and looked-after status from the information form, the outcome, and the advocacy
branch's costs; the year is that of the parent's consent.
"""
from __future__ import annotations

from typing import Any

from .reintegration_model import ReintegrationFacts
from .values import DESTINATION_GROUPS, boolean, day, integer, pupil

PROCESS = "reintegration"
#: its own report facts table (the shared ones are `schooling.models.CaseFacts`)
TABLE = ReintegrationFacts

_NOT_SEND = {"", "none", "no", "n/a", "na", "not applicable"}


def facts(data: dict[str, Any]) -> dict[str, Any]:
    send_level = str(data.get("send_level") or "").strip().lower()
    outcome = data.get("outcome")
    destination = {"successful": "mainstream_other_school", "unsuccessful": "alternative_provision"}.get(outcome)
    costs = data.get("advocacy_costs") or {}
    out = {**pupil(data), "started_on": day(data.get("consent_date")), "host_school": data.get("host_school"),
           "send": (send_level not in _NOT_SEND) if "send_level" in data else None,
           "looked_after": boolean(data.get("lac_status")), "destination": destination,
           "destination_group": DESTINATION_GROUPS.get(destination),
           "closed_on": day(data.get("date_on_roll") or data.get("date_of_return")),
           "advocacy": boolean(data.get("advocacy_needed")), "advocacy_outcome": data.get("advocacy_outcome")}
    if costs:
        out.update({"transition_type": costs.get("transition_type"),
                    "current_setting_funding": integer(costs.get("current_setting_funding")),
                    "transition_cost": integer(costs.get("transition_cost")),
                    "mainstream_funding": integer(costs.get("mainstream_funding")),
                    "net_saving": integer(costs.get("net_saving_if_reintegrated")),
                    "started_on": day(data.get("advocacy_start_date")) or out["started_on"]})
    return out

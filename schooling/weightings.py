"""The Fair Access weightings grid's effect: a handler asks for a +3 or -3 for a school, the engine writes it
with the case (`WeightingEntry`, in the save's transaction) through `write_adjustment`."""
from __future__ import annotations

from dataclasses import dataclass

from schooling.models import WeightingEntry


@dataclass(frozen=True)
class WeightingAdjustment:
    """A Fair Access weightings-grid change for one school (+3 transfer in, -3 transfer out)."""

    school: str
    points: int
    reason: str


def write_adjustment(run, effect: WeightingAdjustment) -> None:
    """Add the grid's row for `effect` to the case being saved (`run` is the engine's `CaseRun`)."""
    run.session.add(WeightingEntry(case_id=run.case.id, school=effect.school, points=effect.points,
                                   reason=effect.reason, at=run.now))

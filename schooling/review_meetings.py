"""The meetings a reintegration case held, from its own history, for the failure letter's evidence.

The reviews run beside the emergency reviews in the placement, each branch with its own copy of the case's
variables, and every review overwrites the last one's `meeting_date`: the history is where each meeting is
kept. The engine hands this to the `failure_letter` handler as facts (schooling/capacity.py), and the facts are
written into the service task's history event, so replay reads the same list.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HistoryEvent

#: The tasks that hold a meeting of the Worcestershire protocol, as the letter names them.
MEETINGS = {"hold_initial_meeting": "Initial reintegration meeting", "interim_review_1": "First interim review",
            "interim_review_2": "Second interim review", "final_review": "Final review",
            "hold_emergency_review": "Emergency review"}
DECISIONS = {"continue": "the reintegration continues", "end": "the reintegration ends"}


def meetings_held(completed: Iterable[tuple[str, dict | None]]) -> list[dict[str, Any]]:
    """[{"title", "date", "outcome"}] of the meetings among the (task id, event payload) pairs of completed
    tasks, in history order, sorted by meeting date (an erased payload, None, is skipped)."""
    held = []
    for element, data in completed:
        values = (data or {}).get("data") or {}
        if element in MEETINGS and values.get("meeting_date"):
            outcome = values.get("outcome_of_review") or DECISIONS.get(values.get("emergency_decision"))
            held.append({"title": MEETINGS[element], "date": values["meeting_date"], "outcome": outcome})
    return sorted(held, key=lambda m: m["date"])


def review_meetings(session: Session, case_id: str | None) -> dict[str, Any]:
    """{"review_meetings": [...]} of the case's meetings read from its stored history (`meetings_held`)."""
    rows = session.execute(select(HistoryEvent.element, HistoryEvent.data)
                           .where(HistoryEvent.case_id == case_id, HistoryEvent.kind == "task_completed",
                                  HistoryEvent.element.in_(MEETINGS)).order_by(HistoryEvent.seq))
    return {"review_meetings": meetings_held(rows)}

"""Read-only figures from other cases that a handler may need: the outreach team's allocations.

Handlers never touch the database (docs/architecture.md, rule 5), so the engine looks these up and hands them
to the handler in `HandlerContext.facts`. `LOOKUPS` says which topic needs which figures; the engine
runs it before that service task's handler (`engine.extensions`, registered by `schooling.plug_in`).

Replay must see the same figures the live run saw, so whatever a lookup returns is written into the
`service_completed` event and fed back from there on replay, never queried again.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Case

from .review_meetings import review_meetings

OUTREACH_PROCESS = "outreach_support"
#: The worker kinds a request can be allocated to (the `allocated_to` options of the allocation form).
WORKER_KINDS = ("outreach_worker", "counsellor", "primary_teacher")


def outreach_allocations(session: Session, case_id: str | None = None) -> dict[str, int]:
    """Running outreach cases allocated to each worker kind, leaving out `case_id` itself.

    Reads `Case.data` in Python rather than with JSON operators, so that SQLite and PostgreSQL agree.
    """
    counts: Counter[str] = Counter({kind: 0 for kind in WORKER_KINDS})
    rows = session.execute(select(Case.id, Case.data).where(Case.process_key == OUTREACH_PROCESS,
                                                            Case.status == "running"))
    for other_id, data in rows:
        data = data or {}
        if other_id != case_id and data.get("decision") == "accept" and data.get("allocated_to"):
            counts[data["allocated_to"]] += 1
    return dict(counts)


LOOKUPS: dict[str, Callable[[Session, str | None], dict[str, Any]]] = {
    "outreach_capacity": lambda session, case_id: {"outreach_allocations": outreach_allocations(session, case_id)},
    # the failure letter lists the case's own meetings, kept in its history (schooling/review_meetings.py)
    "failure_letter": lambda session, case_id: review_meetings(session, case_id),
}

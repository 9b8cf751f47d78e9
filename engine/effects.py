"""What a handler sees, and the side effects it asks for.

Handlers never touch the database or the network: they read `HandlerContext` and append effects,
which the engine writes in the same transaction as the state change (ARCHITECTURE rule 5).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Mail:
    """An email for the outbox; `key` makes delivery idempotent."""

    to: str
    subject: str
    body: str
    key: str


@dataclass(frozen=True)
class WeightingAdjustment:
    """A Fair Access weightings-grid change for one school (+3 transfer in, -3 transfer out)."""

    school: str
    points: int
    reason: str


@dataclass
class HandlerContext:
    """Inputs to one handler call. `data` is a read-only copy of the task's variables."""

    case_id: str
    element: str
    data: Mapping[str, Any]
    now: datetime
    policy: Any
    effects: list[Any] = field(default_factory=list)

    @property
    def calendar(self):
        return self.policy.school_calendar()

    def send_mail(self, to: str, subject: str, body: str, purpose: str) -> None:
        """Queue an email; `purpose` names it uniquely within the case (idempotency key)."""
        self.effects.append(Mail(to=to, subject=subject, body=body, key=f"{self.case_id}:{purpose}"))

    def adjust_weighting(self, school: str, points: int, reason: str) -> None:
        self.effects.append(WeightingAdjustment(school=school, points=points, reason=reason))

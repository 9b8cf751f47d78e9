"""What a handler sees, and the side effects it asks for.

Handlers never touch the database or the network: they read `HandlerContext` and append effects,
which the engine writes in the same transaction as the state change (docs/architecture.md, rule 5).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Mail:
    """An email for the outbox: a template `kind` and its context; `key` makes delivery idempotent.

    `to` is an address or `role:<role>` (that role's people on the case, else the policy contact).
    `about_task` names the task (BPMN element) a reminder or escalation is about: not sent by the time that task
    stops being ready, it is cancelled.
    """

    to: str
    kind: str
    context: dict[str, Any]
    key: str
    about_task: str | None = None


@dataclass
class HandlerContext:
    """Inputs to one handler call. `data` is a read-only copy of the task's variables."""

    case_id: str
    element: str
    data: Mapping[str, Any]
    now: datetime
    policy: Any
    params: Mapping[str, str] = field(default_factory=dict)  # the service task's camunda:properties
    #: Read-only figures from other cases that the engine looked up for this topic (`Extensions.lookups`).
    facts: Mapping[str, Any] = field(default_factory=dict)
    effects: list[Any] = field(default_factory=list)

    def send_mail(self, kind: str, to: str, purpose: str, *, about_task: str | None = None, **context: Any) -> None:
        """Queue an email from template `kind`; `purpose` names it uniquely within the case. A mail `about_task`
        (a reminder, an escalation) is cancelled if that task stops being ready before it is sent."""
        self.effects.append(Mail(to=to, kind=kind, context=context, key=f"{self.case_id}:{purpose}",
                                 about_task=about_task))

    def add_effect(self, effect: Any) -> None:
        """Ask for a side effect of the service's own kind (written by its `engine.extensions` writer)."""
        self.effects.append(effect)

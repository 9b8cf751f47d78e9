"""What a service plugs into the engine besides its handlers: the engine's extension points.

The engine runs any BPMN process and knows nothing of the service built on it. A service hands it,
through its handler registry (`HandlerRegistry.extensions`), whatever else its processes need:

- **lookups**: read-only figures from other cases that a service task's handler needs (handlers never
  query the database). `lookups[topic](session, case_id)` runs before the handler of `topic`; what it
  returns is handed to the handler as `HandlerContext.facts` and written into the `service_completed`
  event, so that replay sees the same figures.
- **projections**: rows of the service's own tables kept in step with each case (report facts, say).
  `save(run)` runs inside `CaseRun.save`, in the same transaction as the state; `status_changed` when an
  operator or the scheduler changes a case's status outside a run; `redact` when retention erases a
  closed case's personal data; `rebuild` (optional) writes every case's rows afresh.
- **effect writers**: what to write for each kind of effect a handler asks for besides mail
  (`effect_writers[type(effect)](run, effect)`, in the save's transaction).
- **message rules**: `message_rules[name](engine, case, values, actor)` runs when message `name`
  arrives and returns the payload delivered (for a message that moves a quota, say).
- **the policy loader**: `load_policy(path)` reads the service's policy file (the deadlines, contacts and
  calendar an authority sets); with no service, `BasicPolicy` holds what the engine itself reads.
- **the party table**: `register_parties(table)` declares the service's roles, its cases' party fields and
  its organisation kinds (`engine.parties.PartyTable`): whom the access rules, the organisations register,
  the case list and the role names speak of. Unlike the others it holds for the whole process, like the
  ORM's tables: a service registers it once, before it serves.

An engine with empty extensions runs any process whose service tasks have handlers; with no party table
registered, only the engine's own roles (admins, auditors, data protection officers, process owners) act.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import parties

Lookup = Callable[..., "dict[str, Any]"]
EffectWriter = Callable[[Any, Any], None]
MessageRule = Callable[..., "dict[str, Any]"]


class CaseProjection(Protocol):
    """Rows of a service's own tables that follow each case."""

    def save(self, run: Any) -> None:
        """Write the case's rows as it stands (`run` is the `CaseRun` being saved)."""

    def status_changed(self, session: Any, case: Any) -> None:
        """The case's status changed outside a run (an operator's retry, the scheduler's error)."""

    def redact(self, session: Any, case_id: str, names: tuple[str, ...]) -> list[str]:
        """Erase the named personal fields of a closed case; returns those it held."""

    def rebuild(self, session: Any) -> int:
        """Write every case's rows afresh from its data; returns how many cases (optional)."""


@dataclass(frozen=True)
class BasicPolicy:
    """What the engine itself reads of a policy; a service's policy has these fields and its own."""

    authority_name: str = ""
    contacts: dict[str, str] = field(default_factory=dict)
    timezone: str = "Europe/London"
    session_idle_minutes: int = 30
    session_lifetime_hours: int = 8
    retention: dict[str, Any] = field(default_factory=lambda: {"closed_case_years": 6, "keep_fields": [],
                                                               "facts_columns": []})


def basic_policy(path: str | Path | None = None) -> BasicPolicy:
    """The policy loader of an engine without a service: the defaults, whatever the file."""
    return BasicPolicy()


@dataclass
class Extensions:
    """The extension points a service fills in; empty by default."""

    lookups: dict[str, Lookup] = field(default_factory=dict)
    projections: list[CaseProjection] = field(default_factory=list)
    effect_writers: dict[type, EffectWriter] = field(default_factory=dict)
    message_rules: dict[str, MessageRule] = field(default_factory=dict)
    load_policy: Callable[[str | Path | None], Any] = basic_policy

    def lookup(self, topic: str, session: Any, case_id: str | None) -> dict[str, Any]:
        """The figures the handler of `topic` needs from other cases ({} when none is registered)."""
        fn = self.lookups.get(topic)
        return fn(session, case_id) if fn else {}

    def write_effect(self, run: Any, effect: Any) -> None:
        """Write one effect a handler asked for; an effect nobody registered is a programming error."""
        writer = self.effect_writers.get(type(effect))
        if writer is None:
            raise TypeError(f"no writer is registered for effect {type(effect).__name__}: register one in "
                            "HandlerRegistry.extensions.effect_writers")
        writer(run, effect)

    def status_changed(self, session: Any, case: Any) -> None:
        for projection in self.projections:
            projection.status_changed(session, case)

    def redact(self, session: Any, case_id: str, names: tuple[str, ...]) -> list[str]:
        return [name for projection in self.projections for name in projection.redact(session, case_id, names)]

    def rebuild(self, session: Any) -> int:
        """Every projection that can rebuild its rows does; the most cases any of them wrote."""
        counts = [rebuild(session) for p in self.projections if (rebuild := getattr(p, "rebuild", None))]
        return max(counts, default=0)


def register_parties(table: parties.PartyTable) -> None:
    """Put the service's party table in force (`engine.parties`); ValueError if it does not hold together."""
    parties.use(table)

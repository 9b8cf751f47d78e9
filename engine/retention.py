"""Retention: the personal data of closed cases is erased once the policy's time has passed.

A case closed (completed or cancelled) more than `closed_case_years` ago (the `[retention]` table of
the policy) is redacted once, in a transaction of its own:

- every history payload is erased with its salt; the payload's digest stays in the hash chain, so the
  chain still verifies and `replay --verify` reports the case "redacted", never "tampered" (the
  append-only trigger allows exactly this change: `data` and `salt` to NULL, nothing else);
- the case's data keeps only `keep_fields` (organisations, outcome); the pupil's initials go;
- the saved workflow keeps its tasks and their states, without their data;
- its mail keeps its kind and times, without address, subject or body;
- its incidents lose the answers that were submitted and the error text;
- the reports' facts lose `facts_columns` (the pupil's characteristics).

What was erased, when, by whom and why is a `redactions` row, shown by the history's export and by
`replay --verify`. The access log (who read the case) stays: it is about the staff, not the pupil.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, null, select, update
from sqlalchemy.orm import Session

from . import drafts
from .extensions import Extensions
from .incidents import Incident
from .models import Case, HistoryEvent, OutboxMessage
from .permissions import RETENTION, actor_for, require
from .redactions import Redaction
from .serialization import pack, unpack

CLOSED = ("completed", "cancelled")
ERASED = "[erased]"


@dataclass(frozen=True)
class RetentionPolicy:
    """The `[retention]` table of the authority's policy."""

    closed_case_years: int
    keep_fields: tuple[str, ...]
    facts_columns: tuple[str, ...]

    @classmethod
    def of(cls, policy: Any) -> RetentionPolicy:
        table = policy.retention
        return cls(table["closed_case_years"], tuple(table["keep_fields"]), tuple(table["facts_columns"]))

    def reason(self) -> str:
        return f"retention: closed more than {self.closed_case_years} years ago"


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def due_cases(session: Session, now: datetime, rules: RetentionPolicy) -> list[Case]:
    """Closed cases whose retention has run out and that are not redacted yet, oldest first."""
    cutoff = years_before(now, rules.closed_case_years)
    done = exists().where(Redaction.case_id == Case.id)
    return list(session.scalars(select(Case).where(Case.status.in_(CLOSED), Case.updated_at < cutoff, ~done)
                                .order_by(Case.updated_at, Case.id)))


def redact_case(session: Session, case: Case, now: datetime, actor: str, rules: RetentionPolicy,
                extensions: Extensions) -> dict[str, Any]:
    """Erase the case's personal data as the module says; returns (and records) what was erased."""
    if case.status not in CLOSED:
        raise ValueError(f"case {case.id} is {case.status}: only closed cases are redacted")
    events = session.execute(update(HistoryEvent).where(HistoryEvent.case_id == case.id, HistoryEvent.data.is_not(None))
                             .values(data=null(), salt=null()).execution_options(synchronize_session=False))
    dropped = sorted(k for k in (case.data or {}) if k not in rules.keep_fields)
    case.data = {k: v for k, v in (case.data or {}).items() if k in rules.keep_fields}
    case.pupil_initials, case.error = "", None
    if case.state:
        case.state = strip_state(case.state)
    erased = {"history_payloads": events.rowcount, "case_fields": dropped, "workflow_data": True,
              "outbox_messages": _erase_mail(session, case.id), "incidents": _erase_incidents(session, case.id),
              "facts_columns": extensions.redact(session, case.id, rules.facts_columns),
              "task_drafts": drafts.delete_for_case(session, case.id)}
    session.add(Redaction(case_id=case.id, at=now, actor=actor, reason=rules.reason(), erased=erased))
    session.flush()
    return erased


def _erase_mail(session: Session, case_id: str) -> int:
    messages = list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)))
    for m in messages:
        m.recipient, m.subject, m.body, m.html, m.last_error = ERASED, ERASED, ERASED, None, None
        m.idempotency_key = f"erased:{m.id}"  # the key held the address
    return len(messages)


def _erase_incidents(session: Session, case_id: str) -> int:
    incidents = list(session.scalars(select(Incident).where(Incident.case_id == case_id)))
    for incident in incidents:
        incident.payload, incident.error = {}, ERASED
        incident.resolution = ERASED if incident.resolution else None
    return len(incidents)


def strip_state(text: str) -> str:
    """A saved workflow with its tasks and their states kept and every piece of data taken out."""
    state = json.loads(unpack(text))
    _strip_workflow(state)
    return pack(json.dumps(state, separators=(",", ":")))


def _strip_workflow(workflow: dict[str, Any]) -> None:
    workflow["data"] = {}
    workflow["bpmn_events"] = []
    workflow["correlations"] = {}
    for task in workflow.get("tasks", {}).values():
        task["data"] = {}
        if "delta" in task:
            task["delta"] = {"updates": {}, "deletions": []}
    for sub in workflow.get("subprocesses", {}).values():
        _strip_workflow(sub)


def apply_retention(open_engine, actor: str, dry_run: bool = False) -> list[dict[str, Any]]:
    """Redact every case due, each in its own transaction (`open_engine()` gives one); with
    `dry_run`, only say which. Admins and data protection officers (and the command line's system)."""
    with open_engine() as eng:
        require(actor_for(eng.session, actor), RETENTION)
        rules = RetentionPolicy.of(eng.policy)
        due = [(c.id, c.process_key, c.updated_at) for c in due_cases(eng.session, eng.clock.now(), rules)]
    out = []
    for case_id, process, closed in due:
        row = {"case_id": case_id, "process": process, "closed_at": closed.isoformat(), "redacted": False}
        if not dry_run:
            with open_engine() as eng:
                case = eng.session.get(Case, case_id, populate_existing=True)
                row.update(redacted=True, erased=redact_case(eng.session, case, eng.clock.now(), actor, rules,
                                                                        eng.registry.extensions))
        out.append(row)
    return out

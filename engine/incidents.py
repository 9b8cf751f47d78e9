"""Incidents: a step of a case that failed, recorded where operators see it, and retried after a fix.

A failing step (an expression that cannot be evaluated, a handler that raises, a timer whose firing
fails) leaves its case as it was before the step: the caller's transaction is rolled back. The caller
then records an incident in a transaction of its own (`record`), so the record survives the rollback.
The same failure again (same case, element, action and task) adds to the open incident instead of
opening another. Retrying (`retry`) does the failed action again, in the operator's transaction: it
resolves the incident when it goes through, and adds to it when it fails again. Camunda 7's incidents
are the model: a failed job, what failed and where, and a retry once it is mended.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import JSON, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from .errors import Conflict, ExpressionFailed, NotFound, StepFailed
from .models import Base, ClosedTask, UTCDateTime
from .permissions import INCIDENTS, actor_for, require

OPERATORS = ("admin", "process_owner")  # as engine.permissions has it (INCIDENTS), for callers that import it
MAX_ERROR = 4000  # characters of an error kept; a deep expression's message can be huge


class Incident(Base):
    """One failed step of a case, open until a retry goes through (or an operator resolves it)."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_case", "status", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(20))  # not a foreign key: a case that failed to start has no row
    process_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    element: Mapped[str] = mapped_column(String(100))  # the BPMN element that failed
    title: Mapped[str] = mapped_column(String(255))  # its name in the diagram
    kind: Mapped[str] = mapped_column(String(20))  # what failed: expression, handler
    action: Mapped[str] = mapped_column(String(20))  # what was being done: start, complete, message, timer
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # the user task being completed
    error: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON)  # what the action needs to run again (submitted data)
    actor: Mapped[str] = mapped_column(String(100))  # who was acting when it failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10))  # open, resolved
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)


def record(sessions: sessionmaker, failure: StepFailed, now: datetime) -> int | None:
    """Write (or add to) the incident for `failure` in a transaction of its own; its id, also set on
    `failure.incident_id`. None when the failure says too little to act on (no action)."""
    if not failure.action:
        return None
    with sessions() as session:
        task_id = failure.payload.get("task_id")
        found = session.scalar(select(Incident).where(
            Incident.status == "open", Incident.case_id == failure.case_id, Incident.element == failure.element,
            Incident.action == failure.action, Incident.task_id.is_(None) if task_id is None
            else Incident.task_id == task_id).limit(1))
        error = failure.detail[:MAX_ERROR]
        if found is None:
            found = Incident(case_id=failure.case_id, process_key=failure.process_key, version=failure.version,
                             element=failure.element[:100], title=(failure.title or failure.element)[:255],
                             kind=failure.kind, action=failure.action, task_id=task_id, error=error,
                             payload=failure.payload, actor=failure.actor[:100], created_at=now, last_at=now,
                             occurrences=1, status="open")
            session.add(found)
        else:
            found.error, found.payload, found.actor, found.last_at = error, failure.payload, failure.actor[:100], now
            found.occurrences += 1
        session.commit()
        failure.incident_id = found.id
        return found.id


def incident_json(row: Incident, done_since: dict[str, Any] | None = None) -> dict[str, Any]:
    """The public shape of an incident (the payload is left out: it may hold a child's details)."""
    return {"id": row.id, "case_id": row.case_id, "process": row.process_key, "version": row.version,
            "element": row.element, "title": row.title, "kind": row.kind, "action": row.action,
            "task_id": row.task_id, "error": row.error, "actor": row.actor, "created_at": row.created_at.isoformat(),
            "last_at": row.last_at.isoformat(), "occurrences": row.occurrences, "status": row.status,
            "resolved_at": row.resolved_at.isoformat() if row.resolved_at else None,
            "resolved_by": row.resolved_by, "resolution": row.resolution, "done_since": done_since}


def list_incidents(session: Session, viewer: str, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Incidents, newest first (open ones only unless `include_resolved`); for admins and process owners.
    A task that someone completed after its incident is shown as `done_since`."""
    require(actor_for(session, viewer), INCIDENTS)
    query = select(Incident).order_by(Incident.last_at.desc(), Incident.id.desc())
    if not include_resolved:
        query = query.where(Incident.status == "open")
    rows = session.scalars(query.limit(500)).all()
    task_ids = [r.task_id for r in rows if r.task_id and r.status == "open"]
    closed = {c.task_id: c for c in session.scalars(select(ClosedTask).where(ClosedTask.task_id.in_(task_ids)))} \
        if task_ids else {}
    out = []
    for row in rows:
        done = closed.get(row.task_id) if row.task_id else None
        out.append(incident_json(row, {"by": done.closed_by, "at": done.closed_at.isoformat(), "how": done.how}
                                 if done else None))
    return out


def get(session: Session, incident_id: int) -> Incident:
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id} (see `reintegrate incident list`)")
    return row


def resolve(row: Incident, actor: str, now: datetime, resolution: str) -> None:
    """Close the incident; the submitted data it kept for a retry is no longer needed, and is dropped."""
    row.status, row.resolved_at, row.resolved_by, row.resolution = "resolved", now, actor, resolution[:MAX_ERROR]
    row.payload = {}


def retry(eng, incident_id: int, actor: str) -> dict[str, Any]:
    """Do the failed action again as it was first asked for (the same person's answers, the same
    message); resolve the incident if it goes through. A failure again raises StepFailed (and the
    caller adds to this incident). `eng` is the facade, in the caller's transaction."""
    session = eng.session
    require(actor_for(session, actor), INCIDENTS)
    row = get(session, incident_id)
    if row.status != "open":
        raise Conflict(f"incident {incident_id} is already resolved ({row.resolution})")
    now = eng.clock.now()
    if row.task_id:
        closed = session.get(ClosedTask, row.task_id)
        if closed is not None:
            resolve(row, actor, now, f"nothing to retry: the task was {closed.how} "
                                     f"{'by ' + closed.closed_by + ' ' if closed.closed_by else ''}"
                                     f"at {closed.closed_at.isoformat()}")
            return {"incident": incident_json(row), "case": None}
    payload = row.payload or {}
    if row.action == "start":
        case = eng.start_case(row.process_key, payload.get("data", {}), row.actor)
    elif row.action == "complete":
        case = eng.complete_task(row.task_id, payload.get("data", {}), row.actor)
    elif row.action == "message":
        case = eng.send_message(row.case_id, payload.get("message", ""), payload.get("data", {}), row.actor)
    elif row.action == "timer":
        case = eng.retry_timers(row.case_id, actor)
    elif row.action == "migrate":  # the operator retrying moves the case, as they may (MIGRATE)
        eng.migrate_case(row.case_id, payload.get("to"), actor)
        case = eng.show_case(row.case_id, viewer=actor)
    else:
        raise Conflict(f"incident {incident_id}: cannot retry a {row.action!r} step")
    resolve(row, actor, now, f"retried by {actor}: went through" + (
        f" (case {case['case_id']} started)" if row.action == "start" else ""))
    return {"incident": incident_json(row), "case": case}


def as_expression_failure(exc: Exception, case_id: str) -> ExpressionFailed:
    """An error out of SpiffWorkflow (an expression it evaluated, mostly) as an ExpressionFailed at its element."""
    task = getattr(exc, "task", None)
    spec = task.task_spec if task is not None else getattr(exc, "task_spec", None)
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None) or "?"
    title = getattr(spec, "bpmn_name", None) or element
    cause = exc.__context__ if isinstance(exc, WorkflowException) and exc.__context__ is not None else None
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    detail = f"{type(exc).__name__}: {first}" + (f" ({type(cause).__name__}: {cause})" if cause else "")
    return ExpressionFailed(f"case {case_id}: step {element} failed: {detail}", case_id=case_id, element=element,
                            title=title, detail=detail[:MAX_ERROR])


def describe(failure: StepFailed, run, action: str, payload: dict[str, Any]) -> StepFailed:
    """The failure, told what was being done on which run (a CaseRun), for the incident and its retry."""
    failure.case_id = failure.case_id or run.case.id
    failure.action, failure.payload, failure.actor = action, payload, run.actor
    failure.process_key, failure.version = run.deployment.key, run.deployment.version
    return failure

"""Which version of a process new cases start on, chosen by a process owner, with the choice on record.

Deploying a new version makes it the active one (new cases start on it), as before. A process owner
may choose another (`activate`): rolling back to an earlier version after a bad deploy, say. Every
deploy and every choice is a row in `process_events`, the process's own history. Without any choice
on record (a database from before this table), the latest version is the active one.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .errors import Conflict, NotFound
from .models import Base, ProcessVersion, UTCDateTime
from .permissions import ACTIVATE, actor_for, require


class ActiveVersion(Base):
    """The version new cases of a process start on."""

    __tablename__ = "active_versions"

    process_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    chosen_by: Mapped[str] = mapped_column(String(100))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessEvent(Base):
    """One event in the history of a process: a version deployed, a version made active."""

    __tablename__ = "process_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # deployed, activated
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict] = mapped_column(JSON)


def active_version(session: Session, process_key: str) -> ProcessVersion:
    """The version new cases of `process_key` start on: the one chosen, else the latest."""
    row = session.scalar(select(ProcessVersion).join(ActiveVersion, ActiveVersion.process_version_id == ProcessVersion.id)
                         .where(ActiveVersion.process_key == process_key))
    if row is None:
        row = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key)
                             .order_by(ProcessVersion.version.desc()).limit(1))
    if row is None:
        raise NotFound(f"no process {process_key!r} is deployed (see `reintegrate process list`)")
    return row


def active_numbers(session: Session) -> dict[str, int]:
    """process -> the number of its active version, for every deployed process."""
    chosen = dict(session.execute(select(ActiveVersion.process_key, ProcessVersion.version)
                                  .join(ProcessVersion, ProcessVersion.id == ActiveVersion.process_version_id)).all())
    latest = session.execute(select(ProcessVersion.process_key, ProcessVersion.version)).all()
    out: dict[str, int] = {}
    for key, number in latest:
        out[key] = max(out.get(key, 0), number)
    return {**out, **chosen}


def set_active(session: Session, version: ProcessVersion, actor: str, now: datetime, kind: str,
               data: dict[str, Any] | None = None) -> None:
    """Make `version` the active one and write the process event `kind` (deployed, activated)."""
    row = session.get(ActiveVersion, version.process_key)
    previous = None
    if row is None:
        session.add(ActiveVersion(process_key=version.process_key, process_version_id=version.id,
                                  chosen_by=actor, chosen_at=now))
    else:
        previous = session.scalar(select(ProcessVersion.version).where(ProcessVersion.id == row.process_version_id))
        row.process_version_id, row.chosen_by, row.chosen_at = version.id, actor, now
    session.add(ProcessEvent(process_key=version.process_key, version=version.version, kind=kind, actor=actor,
                             at=now, data={"previous_active": previous, **(data or {})}))
    session.flush()


def activate(session: Session, process_key: str, number: int, actor: str, now: datetime) -> dict[str, Any]:
    """A process owner's choice: new cases of `process_key` start on version `number` from now on."""
    require(actor_for(session, actor), ACTIVATE)
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key,
                                                          ProcessVersion.version == number))
    if version is None:
        raise NotFound(f"{process_key} has no version {number} (see `reintegrate process list`)")
    current = active_version(session, process_key)
    if current.id == version.id:
        raise Conflict(f"{process_key} version {number} is already the one new cases start on")
    set_active(session, version, actor, now, "activated")
    return {"process": process_key, "active": number, "previous": current.version}


def process_events(session: Session, process_key: str) -> list[dict[str, Any]]:
    """The history of a process: deploys and choices of the active version, oldest first."""
    rows = session.scalars(select(ProcessEvent).where(ProcessEvent.process_key == process_key)
                           .order_by(ProcessEvent.at, ProcessEvent.id))
    return [{"version": r.version, "kind": r.kind, "actor": r.actor, "at": r.at.isoformat(), "data": r.data}
            for r in rows]


def redeployed(existing: ProcessVersion, active: ProcessVersion) -> tuple[str, int, int, str]:
    """A document deployed before: (process, its version, the active version, what to tell the deployer)."""
    key, number = existing.process_key, existing.version
    if active.id == existing.id:
        message = f"{key} v{number}: unchanged, already deployed; new cases start on it"
    else:
        message = (f"{key} v{number}: this file is already deployed as version {number}, but new cases start on "
                   f"version {active.version}; to start them on version {number}: "
                   f"reintegrate process activate {key} {number}")
    return key, number, active.version, message

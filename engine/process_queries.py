"""Read-only queries for the process-owner pages: a version's documents and the running cases
pinned to each version. On the caller's session, like engine.queries."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import NotFound
from .models import Case, ProcessVersion


@dataclass(frozen=True)
class VersionDocument:
    """One deployed version as a modeller needs it: the BPMN, the DMN deployed with it, its titles."""

    process: str
    version: int
    filename: str  # the file name alone: problems are reported as `name.bpmn:line: ...`
    bpmn_xml: str
    documents: dict[str, str]
    titles: dict[str, str]


def _row(session: Session, process: str, version: int | None) -> ProcessVersion:
    query = select(ProcessVersion).where(ProcessVersion.process_key == process)
    query = query.where(ProcessVersion.version == version) if version is not None else query
    row = session.scalar(query.order_by(ProcessVersion.version.desc()).limit(1))
    if row is None:
        raise NotFound(f"{process} has no version {version}" if version is not None else f"no process {process!r} is deployed")
    return row


def version_document(session: Session, process: str, version: int | None = None) -> VersionDocument:
    """The documents of `version` of `process` (None: the latest)."""
    row = _row(session, process, version)
    return VersionDocument(row.process_key, row.version, Path(row.filename).name, row.bpmn_xml,
                           dict(row.documents or {}), dict((row.info or {}).get("titles", {})))


def running_counts(session: Session) -> dict[tuple[str, int], int]:
    """(process, version) -> how many of its cases are running."""
    rows = session.execute(select(ProcessVersion.process_key, ProcessVersion.version, func.count(Case.id))
                           .join(Case, Case.process_version_id == ProcessVersion.id)
                           .where(Case.status == "running")
                           .group_by(ProcessVersion.process_key, ProcessVersion.version))
    return {(process, version): count for process, version, count in rows}


def running_cases(session: Session, process: str, version: int) -> list[dict[str, str]]:
    """The running cases pinned to one version, oldest first: id, pupil initials, start date."""
    row = _row(session, process, version)
    cases = session.execute(select(Case.id, Case.pupil_initials, Case.created_at)
                            .where(Case.process_version_id == row.id, Case.status == "running")
                            .order_by(Case.created_at, Case.id))
    return [{"case_id": c, "initials": initials, "started": at.isoformat()} for c, initials, at in cases]

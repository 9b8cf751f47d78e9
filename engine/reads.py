"""Who reads a case: every read of a child's data by a person goes to the access log.

The engine's read methods take a `viewer`, required: a person's account name (the web and API user,
the `--as` of a command, or the login of whoever runs the command line), or a `SystemRead` saying
which part of the software reads and why. A person's read is written once per case and transaction
(a page that reads the case, its history and its replay is one line), whatever the door.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from .models import AccessLog
from .paging import Page, clamp_page


@dataclass(frozen=True)
class SystemRead:
    """A read by the software itself (a check, a benchmark, the demo loader): not on the access log."""

    why: str


Viewer = str | SystemRead

_LOGGED = "reintegrate.reads_logged"


def record_read(session: Session, now: datetime, case_id: str, viewer: Viewer, action: str) -> None:
    """Write `viewer`'s read of the case to the access log (once per case and transaction)."""
    if isinstance(viewer, SystemRead):
        return
    if not isinstance(viewer, str) or not viewer.strip():
        raise TypeError("a read needs a viewer: the person's account name, or SystemRead(why)")
    logged = session.info.setdefault(_LOGGED, set())
    if (case_id, viewer) in logged:
        return
    logged.add((case_id, viewer))
    session.add(AccessLog(case_id=case_id, actor=viewer[:100], at=now, action=action))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_logged(session: Session) -> None:
    session.info.pop(_LOGGED, None)


def access_log(session: Session, case_id: str, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Who read the case, when, newest first (`limit` lines from `offset`, or all)."""
    rows = session.scalars(select(AccessLog).where(AccessLog.case_id == case_id)
                           .order_by(AccessLog.at.desc(), AccessLog.id.desc()).offset(offset).limit(limit))
    return [{"actor": r.actor, "at": r.at.isoformat(), "action": r.action} for r in rows]


#: Lines of the access log on one page of it.
ACCESS_PAGE_SIZE = 50


#: A page of the access log.
AccessPage = Page


def access_page(session: Session, case_id: str, page: int, per_page: int = ACCESS_PAGE_SIZE) -> AccessPage:
    """Page `page` (from 1; past the last, the last) of the case's access log, newest first."""
    total = session.scalar(select(func.count()).select_from(AccessLog).where(AccessLog.case_id == case_id)) or 0
    page = clamp_page(page, total, per_page)
    return AccessPage(access_log(session, case_id, per_page, (page - 1) * per_page), total, page, per_page)

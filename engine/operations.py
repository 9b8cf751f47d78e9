"""What an operator asks of a running system: is the database reachable, is the schema current, is a
scheduler alive, and what is waiting (timers due and overdue, failed mail, incidents).

Read by `/readyz`, the admin banner and `reintegrate status`; nothing here changes anything.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.orm import Session

from . import heartbeat
from .db import alembic_config
from .incidents import Incident
from .models import OutboxMessage, Timer

_HEAD: list[str] = []


def head_revision() -> str:
    """The newest migration shipped with this code (read once per process)."""
    if not _HEAD:
        from alembic.script import ScriptDirectory

        _HEAD.append(ScriptDirectory.from_config(alembic_config()).get_current_head())
    return _HEAD[0]


def schema_revision(db: SAEngine) -> str | None:
    """The revision the database is at, or None before `init-db`. Raises if the database is unreachable."""
    with db.connect() as conn:
        if not db.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def database_checks(db: SAEngine) -> dict[str, Any]:
    """`database` (reachable or the error's first line) and `schema` (current, or what it is and should be)."""
    try:
        current = schema_revision(db)
    except Exception as exc:  # any driver error means not ready; its first line says why
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {"database": {"ok": False, "error": reason}, "schema": {"ok": False, "error": "database unreachable"}}
    head = head_revision()
    schema = {"ok": current == head, "revision": current, "expected": head}
    if current != head:
        schema["error"] = "no schema: run `reintegrate init-db`" if current is None else \
            f"schema at {current}, code expects {head}: run `reintegrate init-db`"
    return {"database": {"ok": True}, "schema": schema}


def readiness(db: SAEngine, sessions, now: datetime, stale_after: timedelta) -> dict[str, Any]:
    """The checks of `/readyz`: database, schema, and a scheduler alive within `stale_after`."""
    checks = database_checks(db)
    if not checks["schema"]["ok"]:
        checks["scheduler"] = {"ok": False, "error": "unknown: " + checks["schema"]["error"]}
        return checks
    with sessions() as session:
        checks["scheduler"] = heartbeat.scheduler_check(session, now, stale_after)
    return checks


def status(session: Session, now: datetime, stale_after: timedelta) -> dict[str, Any]:
    """Schedulers, timers due and overdue (due longer than `stale_after` ago and not fired), mail
    waiting and given up on, and open incidents. `attention` lists what an operator must look at."""
    timers = {
        "due": session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at <= now)),
        "overdue": session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at <= now - stale_after)),
        "waiting": session.scalar(select(func.count()).select_from(Timer)),
        "next_due": _iso(session.scalar(select(func.min(Timer.due_at)).where(Timer.due_at > now))),
    }
    unsent = OutboxMessage.sent_at.is_(None) & OutboxMessage.cancelled_at.is_(None)
    mail = {"queued": session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(unsent, OutboxMessage.failed_at.is_(None))),
            "retrying": session.scalar(select(func.count()).select_from(OutboxMessage)
                                       .where(unsent, OutboxMessage.failed_at.is_(None), OutboxMessage.attempts > 0)),
            "failed": session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.failed_at.is_not(None)))}
    incidents = {"open": session.scalar(select(func.count()).select_from(Incident).where(Incident.status == "open"))}
    check = heartbeat.scheduler_check(session, now, stale_after)
    attention = [check["error"]] if not check["ok"] else []
    attention += [f"{timers['overdue']} timer(s) overdue"] if timers["overdue"] else []
    attention += [f"{mail['failed']} message(s) failed for good"] if mail["failed"] else []
    attention += [f"{incidents['open']} open incident(s)"] if incidents["open"] else []
    return {"at": now.isoformat(), "ok": not attention, "attention": attention, "scheduler": check,
            "schedulers": heartbeat.schedulers(session, now, stale_after), "timers": timers, "mail": mail,
            "incidents": incidents}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

"""Scheduler heartbeats: every poll of every scheduler process writes its row, so that a scheduler that
has stopped (crashed, killed, never started) is noticed: `/readyz`, the admin banner and `reintegrate
status` say so once no scheduler has beaten for longer than `stale_after` (5 minutes by default).

A beat is written in its own short transaction after each pass over the timer table, whatever the pass
found; a pass that failed records its error. Rows of processes gone for a week are pruned.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, UTCDateTime

DEFAULT_STALE_AFTER = timedelta(minutes=5)
KEEP = timedelta(days=7)


class SchedulerHeartbeat(Base):
    """One scheduler process: when it started, when it last polled, how it went."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    passes: Mapped[int] = mapped_column(Integer, default=0)
    fired: Mapped[int] = mapped_column(Integer, default=0)  # timers fired over the process's life
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)  # of the last pass, None if it went through
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # a clean shutdown


def process_name() -> str:
    """This process as a scheduler is known: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(session: Session, name: str, now: datetime, fired: int = 0, error: str | None = None) -> None:
    """Record a pass of scheduler `name` (the caller commits)."""
    row = session.get(SchedulerHeartbeat, name)
    if row is None:
        session.execute(delete(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at < now - KEEP))
        row = SchedulerHeartbeat(name=name, started_at=now, beat_at=now, passes=0, fired=0)
        session.add(row)
    row.beat_at, row.passes, row.fired = now, row.passes + 1, row.fired + fired
    row.last_error, row.stopped_at = (error or None) and error[:2000], None


def stopped(session: Session, name: str, now: datetime) -> None:
    """Record that scheduler `name` shut down cleanly (the caller commits)."""
    row = session.get(SchedulerHeartbeat, name)
    if row is not None:
        row.stopped_at = now


def schedulers(session: Session, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER) -> list[dict[str, Any]]:
    """Every scheduler seen in the last week, newest beat first, each with whether it counts as alive."""
    rows = session.scalars(select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.beat_at.desc())).all()
    return [{"name": r.name, "started_at": r.started_at.isoformat(), "beat_at": r.beat_at.isoformat(),
             "seconds_since_beat": max(0, int((now - r.beat_at).total_seconds())), "passes": r.passes,
             "fired": r.fired, "last_error": r.last_error,
             "stopped_at": r.stopped_at.isoformat() if r.stopped_at else None,
             # a clean stop is shown, but the rule is the same: no beat for `stale_after`, no scheduler
             "alive": now - r.beat_at <= stale_after} for r in rows]


def scheduler_check(session: Session, now: datetime, stale_after: timedelta = DEFAULT_STALE_AFTER) -> dict[str, Any]:
    """`ok` when some scheduler has beaten within `stale_after`; else the reason, with the last beat."""
    seen = schedulers(session, now, stale_after)
    alive = [s for s in seen if s["alive"]]
    if alive:
        return {"ok": True, "alive": len(alive), "last_beat": alive[0]["beat_at"]}
    minutes = int(stale_after.total_seconds() // 60) or 1
    if not seen:
        return {"ok": False, "alive": 0, "last_beat": None, "minutes": minutes,
                "error": "no scheduler has ever run: start `reintegrate scheduler`"}
    last = seen[0]
    stop = f", stopped at {last['stopped_at']}" if last["stopped_at"] else ""
    return {"ok": False, "alive": 0, "last_beat": last["beat_at"], "last_name": last["name"], "minutes": minutes,
            "error": f"no scheduler has run for more than {minutes} minutes (the last, {last['name']}, at "
                     f"{last['beat_at']}{stop}): deadlines, reminders and escalations are not being processed"}

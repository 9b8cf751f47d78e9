"""Server-side web sessions: the browser holds a random id, the database holds its digest, the
signed-in account and the session's data. Ending a session deletes its row, so a copied cookie
opens nothing afterwards.

A session ends when its owner signs out, when it has been idle longer than the policy's
`session_idle_minutes`, when it is older than `session_lifetime_hours`, and, for every session of
an account at once, on a password change or an admin's "sign out everywhere"."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from .auth_models import WebSession

#: How stale `last_seen_at` may get before a request writes it again: one write a minute per
#: session at most, instead of one per request.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Limits:
    """How long a session lasts without use, and at most."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_policy(cls, policy) -> Limits:
        return cls(timedelta(minutes=policy.session_idle_minutes), timedelta(hours=policy.session_lifetime_hours))


@dataclass
class Loaded:
    """A live session as read from the database."""

    user_id: int | None
    data: dict
    created_at: datetime


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _expired(row: WebSession, now: datetime, limits: Limits) -> bool:
    return row.last_seen_at + limits.idle <= now or row.created_at + limits.lifetime <= now


def load(session: Session, session_id: str, now: datetime, limits: Limits) -> Loaded | None:
    """The live session with this id, or None (unknown, ended or expired: an expired row is deleted).
    Marks it used now, at most once a minute."""
    row = session.scalar(select(WebSession).where(WebSession.id_hash == digest(session_id)))
    if row is None:
        return None
    if _expired(row, now, limits):
        session.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return Loaded(row.user_id, dict(row.data or {}), row.created_at)


def start(session: Session, now: datetime, data: dict, user_id: int | None = None) -> str:
    """A new session; returns its id (the only time it exists outside the browser's cookie)."""
    session_id = secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=digest(session_id), user_id=user_id, data=data, created_at=now, last_seen_at=now))
    return session_id


def save(session: Session, session_id: str, data: dict) -> bool:
    """Store a live session's data; False if it has ended meanwhile (then nothing is written)."""
    row = session.scalar(select(WebSession).where(WebSession.id_hash == digest(session_id)))
    if row is None:
        return False
    row.data = data
    return True


def end(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == digest(session_id)))


def end_all(session: Session, user_id: int, keep: str | None = None) -> int:
    """End every session of the account (but `keep`, the caller's own); returns how many ended."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep:
        query = query.where(WebSession.id_hash != digest(keep))
    return session.execute(query).rowcount or 0


def count_live(session: Session, user_id: int, now: datetime, limits: Limits) -> int:
    return session.scalar(select(func.count()).select_from(WebSession).where(
        WebSession.user_id == user_id, WebSession.last_seen_at > now - limits.idle,
        WebSession.created_at > now - limits.lifetime)) or 0


def purge(session: Session, now: datetime, limits: Limits) -> int:
    """Delete every expired session; returns how many."""
    return session.execute(delete(WebSession).where(or_(
        WebSession.last_seen_at <= now - limits.idle, WebSession.created_at <= now - limits.lifetime))).rowcount or 0

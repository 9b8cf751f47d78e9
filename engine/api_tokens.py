"""Named API tokens: each account may hold several, each with an optional expiry, each revocable.

A token is a random 256-bit string shown once; only its SHA-256 digest is stored. An expired or
revoked token authenticates nobody (the API answers 401)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth_models import ApiToken
from .models import User

MAX_DAYS = 3650
#: How stale `last_used_at` may get before a request writes it again.
USE_RESOLUTION = timedelta(seconds=60)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User, now: datetime, name: str = "token",
          days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, named `name`, expiring after `days` (None: never); (row, the secret once).
    Raises ValueError for a name of no or over 100 characters or a number of days out of range."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValueError("a token's name is 1 to 100 characters")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token expires after 1 to {MAX_DAYS} days")
    secret = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=digest(secret), created_at=now,
                   expires_at=now + timedelta(days=days) if days else None)
    session.add(row)
    session.flush()
    return row, secret


def status(row: ApiToken, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


def user_for(session: Session, secret: str, now: datetime) -> User | None:
    """The account an active token belongs to, or None; marks the token used (at most once a minute)."""
    if not secret:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if row is None or status(row, now) != "active":
        return None
    if row.last_used_at is None or now - row.last_used_at >= USE_RESOLUTION:
        row.last_used_at = now
    return session.get(User, row.user_id)


def describe(row: ApiToken, user_name: str, now: datetime) -> dict:
    def iso(moment):
        return moment.isoformat() if moment else None

    return {"id": row.id, "user": user_name, "name": row.name, "status": status(row, now),
            "created_at": iso(row.created_at), "expires_at": iso(row.expires_at),
            "last_used_at": iso(row.last_used_at), "revoked_at": iso(row.revoked_at)}


def list_tokens(session: Session, now: datetime, user: User | None = None) -> list[dict]:
    """Every token (or one account's), newest first, without secrets."""
    query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    rows = session.execute(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [describe(row, name, now) for row, name in rows]


def revoke(session: Session, token_id: int, now: datetime, user: User | None = None) -> dict:
    """Revoke a token (of `user`, when given); ValueError if there is no such token or it is revoked."""
    row = session.get(ApiToken, token_id)
    if row is None or (user is not None and row.user_id != user.id):
        raise ValueError(f"no API token {token_id}" + (f" of {user.name}" if user is not None else ""))
    if row.revoked_at is not None:
        raise ValueError(f"API token {token_id} was already revoked")
    row.revoked_at = now
    return describe(row, session.get(User, row.user_id).name, now)

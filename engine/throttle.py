"""Sign-in throttling kept in the database, so that every web worker counts the same failures.

Two limits, both within a sliding window: failures from one address for one user name (someone
guessing one account's password), and failures from one address for any names (someone trying many
accounts). Nothing is counted per user name alone, so a stranger cannot lock a real user out: the
real user signing in from their own address is never held back by failures from another."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .auth_models import SignInFailure


@dataclass(frozen=True)
class Limits:
    per_address_and_name: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def _name(name: str) -> str:
    return name.strip().lower()[:100]


def blocked(session: Session, address: str, name: str, now: datetime, limits: Limits) -> bool:
    """Whether this address may not try this name now."""
    since = now - limits.window
    recent = select(func.count()).select_from(SignInFailure).where(SignInFailure.address == address[:64],
                                                                   SignInFailure.at > since)
    if (session.scalar(recent) or 0) >= limits.per_address:
        return True
    return (session.scalar(recent.where(SignInFailure.name == _name(name))) or 0) >= limits.per_address_and_name


def failed(session: Session, address: str, name: str, now: datetime, limits: Limits) -> None:
    """Record a failure, and forget failures older than the window (the table stays small)."""
    session.execute(delete(SignInFailure).where(SignInFailure.at <= now - limits.window))
    session.add(SignInFailure(address=address[:64], name=_name(name), at=now))


def succeeded(session: Session, address: str, name: str) -> None:
    """A correct password from this address clears its failures for this name."""
    session.execute(delete(SignInFailure).where(SignInFailure.address == address[:64],
                                                SignInFailure.name == _name(name)))


def attempt(session: Session, address: str, name: str, password: str, now: datetime, limits: Limits):
    """Check a sign-in: ("blocked", None) without looking at the password when the address is held
    back, ("wrong", None) after recording a failure, or ("ok", user)."""
    from .accounts import authenticate

    if blocked(session, address, name, now, limits):
        return "blocked", None
    user = authenticate(session, name, password)
    if user is None:
        failed(session, address, name, now, limits)
        return "wrong", None
    succeeded(session, address, name)
    return "ok", user

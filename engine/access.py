"""The names this module used to hold, kept for callers that import them; the rules themselves live
in `engine.permissions` (who may do what) and are only re-exported or wrapped here."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import permissions
from .errors import Forbidden
from .models import User
from .organisations import link_account
from .permissions import LANE_ROLES, PARTY_FIELDS, READ_ONLY_ROLES, ROLES, SYSTEM_ACTORS, Actor, actor_for, check_account, require

PARTY_FIELD = PARTY_FIELDS

__all__ = ["LANE_ROLES", "PARTY_FIELD", "READ_ONLY_ROLES", "ROLES", "SYSTEM_ACTORS", "add_user", "authorise", "authorise_admin",
           "authorise_user"]


def authorise(session: Session, actor: str, lane: str | None, case_data: dict[str, Any] | None) -> User | None:
    """Forbidden unless `actor` may do a task in `lane` on a case with this data (None: read it)."""
    return authorise_user(None if actor in SYSTEM_ACTORS else session.scalar(select(User).where(User.name == actor)),
                          actor, lane, case_data)


def authorise_user(user: User | None, actor: str, lane: str | None, case_data: dict[str, Any] | None) -> User | None:
    """`authorise` with the account already read (None: there is no account named `actor`)."""
    if user is None and actor not in SYSTEM_ACTORS:
        raise Forbidden(f"unknown user {actor!r}: add them with `reintegrate user add`")
    who = Actor(actor) if actor in SYSTEM_ACTORS else Actor.of(user)  # type: ignore[arg-type]
    action = permissions.READ if lane is None else permissions.COMPLETE
    require(who, action, lane=lane, case=case_data)
    return user


def authorise_admin(session: Session, actor: str, roles: tuple[str, ...] = ("admin",)) -> None:
    """Forbidden unless `actor` is a system actor or an account in one of `roles`."""
    who = actor_for(session, actor)
    if not who.system and who.role not in roles:
        raise Forbidden(f"{actor} is not {' or '.join(r.replace('_', ' ') for r in roles)}")


def add_user(session: Session, name: str, role: str, org: str | None, now, email: str | None = None) -> User:
    """Add an account; ValueError for an unknown role, a lane role with no organisation, a name taken
    or an email address that is not one."""
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"user {name!r} already exists")
    check_account(role, org)
    if email is not None and "@" not in email:
        raise ValueError(f"{email!r} is not an email address")
    user = User(name=name, role=role, email=email, created_at=now)
    link_account(session, user, org)
    session.add(user)
    return user

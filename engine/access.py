"""Who may act on which case: a user's role must be the task's lane, and their organisation a party.

Each case names its parties in its data (`ap_setting`, `host_school`, `home_school`,
`local_authority`); a user whose account carries an organisation may act only on cases where the
organisation they act for is that party.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Forbidden
from .models import User
from .organisations import link_account

LANE_ROLES = ("ap_setting", "la_admissions", "host_school", "home_school")
#: Read every case and change none: auditors, and the data protection officer (`dpo`), who also
#: exports everything held about a pupil (subject access) and applies retention.
READ_ONLY_ROLES = ("auditor", "dpo")
ROLES = (*LANE_ROLES, "la_attendance", "outreach", "process_owner", *READ_ONLY_ROLES, "admin")
SYSTEM_ACTORS = ("system", "scheduler")
PARTY_FIELD = {
    "ap_setting": "ap_setting",
    "host_school": "host_school",
    "home_school": "home_school",
    "la_admissions": "local_authority",
}


def authorise(session: Session, actor: str, lane: str | None, case_data: dict[str, Any] | None) -> User | None:
    """Raise Forbidden unless `actor` may act in `lane` (None: any party) on a case with this data."""
    if actor in SYSTEM_ACTORS:
        return None
    return authorise_user(session.scalar(select(User).where(User.name == actor)), actor, lane, case_data)


def authorise_user(user: User | None, actor: str, lane: str | None, case_data: dict[str, Any] | None) -> User | None:
    """`authorise` with the account already read (None: there is no account named `actor`)."""
    if actor in SYSTEM_ACTORS:
        return None
    if user is None:
        raise Forbidden(f"unknown user {actor!r}: add them with `reintegrate user add`")
    if user.role == "admin":
        return user
    if user.role in READ_ONLY_ROLES:
        raise Forbidden(f"{actor} ({user.role}) reads cases only")
    if lane is not None and user.role != lane:
        raise Forbidden(f"{actor} ({user.role}) cannot do a task for {lane}")
    if lane is None and user.role not in LANE_ROLES:
        raise Forbidden(f"{actor} ({user.role}) takes no part in reintegration cases")
    party = (case_data or {}).get(PARTY_FIELD.get(user.role, ""))
    if user.org and party and party != user.org:
        raise Forbidden(f"{actor} acts for {user.org}, which is not this case's {user.role.replace('_', ' ')}")
    return user


def authorise_admin(session: Session, actor: str, roles: tuple[str, ...] = ("admin",)) -> None:
    """Operator actions: an account with one of `roles`, or the command line's own `system` actor."""
    if actor == "system":
        return
    user = session.scalar(select(User).where(User.name == actor))
    if user is None or user.role not in roles:
        raise Forbidden(f"{actor} is not {' or '.join(r.replace('_', ' ') for r in roles)}")


def add_user(session: Session, name: str, role: str, org: str | None, now, email: str | None = None) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise ValueError(f"user {name!r} already exists")
    if email is not None and "@" not in email:
        raise ValueError(f"{email!r} is not an email address")
    user = User(name=name, role=role, email=email, created_at=now)
    link_account(session, user, org)
    session.add(user)
    return user

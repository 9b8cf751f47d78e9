"""Accounts: passwords and API tokens, stored hashed; sign-in checks that take the same time either way.

Passwords are hashed with scrypt and a per-user random salt (`scrypt$n$r$p$salt$hash`), and must pass
engine.passwords; a new password ends the account's web sessions. API tokens live in engine.api_tokens.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from . import api_tokens, passwords, web_sessions
from .access import add_user
from .addresses import address_problem
from .models import User
from .organisations import link_account
from .permissions import check_account

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = passwords.MIN_LENGTH
#: Checked against when the user does not exist, so an unknown name costs as much as a wrong password.
_DUMMY_HASH = None


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A self-describing scrypt hash of `password` with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def check_password(stored: str | None, password: str) -> bool:
    """True if `password` matches the stored hash; compares in constant time."""
    global _DUMMY_HASH
    if not stored:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not a password")
        stored, password = _DUMMY_HASH, password + "\0"  # same work, never a match
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def validate_password(password: str, user_name: str | None = None) -> None:
    """ValueError saying why, for a password engine.passwords refuses."""
    reason = passwords.problem(password, user_name)
    if reason:
        raise ValueError(reason)


def create_account(session: Session, name: str, role: str, now: datetime, *, org: str | None = None,
                   email: str | None = None, password: str | None = None,
                   token: bool = False, token_days: int | None = None) -> tuple[User, str | None]:
    """Add a user with an optional password and API token; returns (user, the token once, or None).

    Raises ValueError with a message for a person on a bad name, role, email or password."""
    if not name or not name.strip() or len(name) > 100:
        raise ValueError("a user name is 1 to 100 characters")
    if email and (problem := address_problem(email)):
        raise ValueError(f"email {problem}")
    if password is not None:
        validate_password(password, name.strip())
    user = add_user(session, name.strip(), role, org or None, now, email=email or None)
    if password is not None:
        user.password_hash = hash_password(password)
    secret = issue_token(user, now, days=token_days) if token else None
    session.flush()
    return user, secret


def issue_token(user: User, now: datetime | None = None, name: str = "token", days: int | None = None) -> str:
    """A new API token for `user` (added to any others); only its digest is stored."""
    session = object_session(user)
    session.flush()
    return api_tokens.issue(session, user, now or datetime.now(UTC), name, days)[1]


def set_password(session: Session, name: str, password: str) -> tuple[User, int]:
    """Give the account a new password and end all its web sessions; (user, sessions ended)."""
    user = get_user(session, name)
    validate_password(password, user.name)
    user.password_hash = hash_password(password)
    return user, web_sessions.end_all(session, user.id)


def change_own_password(session: Session, user_id: int, current: str, new: str,
                        keep_session: str | None = None) -> int:
    """The account holder's change: the current password must be right and the new one acceptable;
    every other session of theirs ends. Returns how many ended; ValueError("current: ...") or
    ValueError("new: ...") names what is wrong."""
    user = session.get(User, user_id)
    if user is None or not check_password(user.password_hash, current):
        raise ValueError("current: your current password is not right")
    if current == new:
        raise ValueError("new: the new password must differ from the current one")
    reason = passwords.problem(new, user.name)
    if reason:
        raise ValueError(f"new: {reason}")
    user.password_hash = hash_password(new)
    return web_sessions.end_all(session, user.id, keep=keep_session)


def sign_out_everywhere(session: Session, name: str) -> int:
    """End every web session of the account now; returns how many there were."""
    return web_sessions.end_all(session, get_user(session, name).id)


def set_role(session: Session, name: str, role: str, org: str | None = None) -> User:
    """Change an account's role (and, given `org`, its organisation); ValueError for an unknown role,
    or a lane role for an account that would belong to no organisation."""
    user = get_user(session, name)
    org = (org or "").strip() or user.org
    check_account(role, org)
    user.role = role
    if org:  # the register entry, of a kind the new role may belong to
        link_account(session, user, org)
    return user


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise ValueError(f"no user {name!r}")
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The user if `password` is theirs, else None (an unknown name takes as long as a wrong password)."""
    user = session.scalar(select(User).where(User.name == name))
    ok = check_password(user.password_hash if user else None, password)
    return user if ok and user is not None else None


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The account an active (unexpired, unrevoked) API token belongs to, or None."""
    return api_tokens.user_for(session, token, now or datetime.now(UTC))


def list_users(session: Session, now: datetime | None = None) -> list[dict]:
    users = session.scalars(select(User).order_by(User.role, User.name))
    active = {}
    for token in api_tokens.list_tokens(session, now or datetime.now(UTC)):
        if token["status"] == "active":
            active[token["user"]] = active.get(token["user"], 0) + 1
    return [{"name": u.name, "role": u.role, "org": u.org, "email": u.email,
             "has_password": bool(u.password_hash), "has_token": bool(active.get(u.name)),
             "active_tokens": active.get(u.name, 0)} for u in users]


def account_detail(session: Session, name: str, now: datetime, limits: web_sessions.Limits) -> dict:
    """One account for its admin page: who, how many live web sessions, its API tokens."""
    user = get_user(session, name)
    return {"name": user.name, "role": user.role, "org": user.org, "email": user.email,
            "has_password": bool(user.password_hash), "sessions": web_sessions.count_live(session, user.id, now, limits),
            "tokens": api_tokens.list_tokens(session, now, user)}

"""Accounts: passwords and API tokens, stored hashed; sign-in checks that take the same time either way.

Passwords are hashed with scrypt and a per-user random salt (`scrypt$n$r$p$salt$hash`); API tokens are
random 256-bit strings, so a plain SHA-256 of one is enough to store and to look it up by.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .access import add_user
from .models import User
from .permissions import check_account

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 10
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


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")


def create_account(session: Session, name: str, role: str, now: datetime, *, org: str | None = None,
                   email: str | None = None, password: str | None = None,
                   token: bool = False) -> tuple[User, str | None]:
    """Add a user with an optional password and API token; returns (user, the token once, or None).

    Raises ValueError with a message for a person on a bad name, role, email or password."""
    if not name or not name.strip() or len(name) > 100:
        raise ValueError("a user name is 1 to 100 characters")
    if password is not None:
        validate_password(password)
    user = add_user(session, name.strip(), role, org or None, now, email=email or None)
    if password is not None:
        user.password_hash = hash_password(password)
    secret = issue_token(user) if token else None
    session.flush()
    return user, secret


def issue_token(user: User) -> str:
    """A new API token for `user`, replacing any previous one; only its digest is stored."""
    secret = secrets.token_urlsafe(32)
    user.token_hash = token_digest(secret)
    return secret


def set_password(session: Session, name: str, password: str) -> User:
    validate_password(password)
    user = get_user(session, name)
    user.password_hash = hash_password(password)
    return user


def set_role(session: Session, name: str, role: str, org: str | None = None) -> User:
    """Change an account's role (and, given `org`, its organisation); ValueError for an unknown role,
    or a lane role for an account that would belong to no organisation."""
    user = get_user(session, name)
    org = (org or "").strip() or user.org
    check_account(role, org)
    user.role, user.org = role, org
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


def user_for_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    return session.scalar(select(User).where(User.token_hash == token_digest(token)))


def list_users(session: Session) -> list[dict]:
    users = session.scalars(select(User).order_by(User.role, User.name))
    return [{"name": u.name, "role": u.role, "org": u.org, "email": u.email,
             "has_password": bool(u.password_hash), "has_token": bool(u.token_hash)} for u in users]

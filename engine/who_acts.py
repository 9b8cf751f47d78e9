"""Yes/no questions pages ask before offering an action: may this account start this process, do
this task? engine.permissions answers them, with the rules the engine's actions enforce."""
from __future__ import annotations

from typing import Any

from . import permissions
from .models import User


def may_start(user: User, starters: str | tuple[str, ...] | None) -> bool:
    """Whether `user` may start a process that `starters` start (its start event's lane's role, or the
    roles it declares), for its own organisation."""
    roles = (starters,) if isinstance(starters, str) else tuple(starters or ())
    values = permissions.starting_values(user, {}, roles)
    return bool(permissions.decide(user, permissions.START, case=values, starters=roles))


def may_complete(user: User, lane: str | None, case_data: dict[str, Any] | None) -> bool:
    """Whether `user` may complete (or take) a task of `lane` on a case with this data."""
    return bool(permissions.decide(user, permissions.COMPLETE, lane=lane, case=case_data))

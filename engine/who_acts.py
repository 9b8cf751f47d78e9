"""Yes/no questions pages ask before offering an action: may this account start this process, do
this task? The answers come from the engine's access rules, the ones its actions enforce."""
from __future__ import annotations

from typing import Any

from .access import authorise_user
from .errors import Forbidden
from .models import User


def may_start(user: User, start_lane: str | None) -> bool:
    """Whether `user` may start a process whose start event stands in `start_lane`."""
    if user.role != "admin" and user.role != start_lane:
        return False
    return _allowed(user, start_lane if user.role != "admin" else None, None)


def may_complete(user: User, lane: str | None, case_data: dict[str, Any] | None) -> bool:
    """Whether `user` may complete (or take) a task of `lane` on a case with this data."""
    return _allowed(user, lane, case_data)


def _allowed(user: User, lane: str | None, case_data: dict[str, Any] | None) -> bool:
    try:
        authorise_user(user, user.name, lane, case_data)
    except Forbidden:
        return False
    return True

"""The one way views reach the engine: a transaction per request, the signed-in user loaded in it, and
engine errors turned into responses (NotFound 404, Forbidden 403)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, g

from engine import permissions
from engine.errors import Forbidden, NotFound, StepFailed
from engine.facade import Engine
from engine.models import User

T = TypeVar("T")


def runtime():
    return current_app.extensions["runtime"]


def run(fn: Callable[[Engine, User], T]) -> T:
    """Call `fn(engine, user)` in one transaction (run again if the database rolled it back as a
    deadlock's loser); unknown or hidden ids are 404, refusals 403."""
    def with_user(eng: Engine) -> T:
        user = eng.reads.user(g.user_id)
        if user is None:
            abort(403, description="your account no longer exists")
        return fn(eng, user)

    try:
        return runtime().transact(with_user)
    except NotFound as exc:
        abort(404, description=str(exc))
    except Forbidden as exc:
        abort(403, description=str(exc))


def require_permission(action: str) -> None:
    """403 with the reason unless the signed-in user may take `action` at all (engine.permissions)."""
    decision = permissions.may(g.user, action)
    if not decision:
        abort(403, description=decision.reason)


def call(method: str, *args: Any, **kwargs: Any):
    """A facade method on its own, for pages whose access check is done by the caller."""
    return run(lambda eng, _user: getattr(eng, method)(*args, **kwargs))


def failure_for_people(exc: StepFailed) -> str:
    """What a person is told when a step of the case failed under their action (the incident has the rest)."""
    incident = f", incident {exc.incident_id}" if exc.incident_id else ""
    return (f"This could not be finished: an automatic step of the case, ‘{exc.title or 'a service task'}’, failed. "
            f"Nothing was saved. Try again in a few minutes; if it fails again, tell your system administrator, "
            f"quoting case {exc.case_id}{incident}.")

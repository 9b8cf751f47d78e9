"""Probes for load balancers and orchestrators, no sign-in: `/healthz` says the process answers,
`/readyz` that it can serve (database reachable, schema current, a scheduler alive within
REINTEGRATE_SCHEDULER_STALE_SECONDS), 503 if not, with each check's reason. Point a load balancer at
/healthz and monitoring at /readyz: a dead scheduler makes /readyz fail but the web app still serves."""
from __future__ import annotations

from flask import Blueprint, g, jsonify
from sqlalchemy.exc import SQLAlchemyError

from engine import permissions
from engine.heartbeat import scheduler_check
from engine.operations import readiness

from .engine_access import runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    rt = runtime()
    checks = readiness(rt.db, rt.sessions, rt.clock.now(), rt.scheduler_stale_after)
    ready = all(check["ok"] for check in checks.values())
    return jsonify({"status": "ready" if ready else "not ready", "checks": checks}), 200 if ready else 503


@bp.app_context_processor
def _scheduler_warning():
    """For admins, on every page: why no scheduler counts as running, if none does."""
    user = g.get("user")
    if user is None or not permissions.may(user, permissions.STATUS):
        return {}
    rt = runtime()
    try:
        with rt.sessions() as session:
            check = scheduler_check(session, rt.clock.now(), rt.scheduler_stale_after)
    except SQLAlchemyError:  # an old schema or a database gone: /readyz says which; the page still renders
        return {"scheduler_warning": {"unreadable": True}}
    return {"scheduler_warning": None if check["ok"] else check}

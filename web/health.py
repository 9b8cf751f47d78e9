"""Probes for load balancers and orchestrators, no sign-in: `/healthz` says the process answers,
`/readyz` that it can serve (database reachable, schema current, a scheduler alive), 503 if not."""
from __future__ import annotations

from flask import Blueprint, jsonify

from engine.operations import database_checks

from .engine_access import runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    checks = database_checks(runtime().db)
    ready = all(check["ok"] for check in checks.values())
    return jsonify({"status": "ready" if ready else "not ready", "checks": checks}), 200 if ready else 503

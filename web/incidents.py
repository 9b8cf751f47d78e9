"""The incidents page: steps of cases that failed, for admins and process owners, each with a retry."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from engine import incidents, permissions
from engine.errors import Conflict, StepFailed

from .engine_access import require_permission, run

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


@bp.before_request
def _operators_only():
    require_permission(permissions.INCIDENTS)


@bp.get("")
def incident_list():
    show_all = request.args.get("all") == "1"
    rows = run(lambda eng, user: eng.reads.incidents(user.name, include_resolved=show_all))
    return render_template("incidents.html", incidents=rows, show_all=show_all)


@bp.post("/<int:incident_id>/retry")
def retry(incident_id: int):
    try:
        result = run(lambda eng, user: incidents.retry(eng, incident_id, user.name))
    except StepFailed as exc:
        flash(f"Incident {incident_id} still fails: {exc.detail}", "important")
    except Conflict as exc:
        abort(409, description=str(exc))
    else:
        flash(f"Incident {incident_id} resolved: {result['incident']['resolution']}", "success")
    return redirect(url_for("incidents.incident_list"))

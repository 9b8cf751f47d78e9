"""The task list."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, render_template, request

from engine.access import LANE_ROLES

from .engine_access import call, runtime

bp = Blueprint("tasks", __name__)


@bp.get("/")
def task_list():
    lane = request.args.get("lane") or None
    if lane not in (None, *LANE_ROLES):
        lane = None
    today = runtime().clock.now().date()
    tasks = call("list_tasks", lane=lane)
    for t in tasks:
        due = date.fromisoformat(t["due"][:10]) if t.get("due") else None
        t["overdue"] = bool(due and due < today)
        t["due_soon"] = bool(due and today <= due <= today + timedelta(days=3))
    if request.args.get("overdue"):
        tasks = [t for t in tasks if t["overdue"]]
    return render_template("tasks.html", tasks=tasks, lane=lane, lanes=LANE_ROLES, today=today)

"""A case's page: its status, data, ready tasks, deadlines and history."""
from __future__ import annotations

from flask import Blueprint, render_template

from .engine_access import call

bp = Blueprint("cases", __name__)


@bp.get("/cases/<case_id>")
def case_page(case_id: str):
    case = call("show_case", case_id)
    return render_template("case.html", case=case, history=call("history", case_id))

"""The mail page: what the outbox holds when no SMTP server is configured. Admins and auditors only:
it shows every case's mail."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from .engine_access import run

bp = Blueprint("mail", __name__)


@bp.get("/mail")
def outbox():
    if g.user.role not in ("admin", "auditor", "dpo"):
        abort(403, description="the mail page shows every case's mail: admins and auditors only")
    return render_template("mail.html", messages=run(lambda eng, user: eng.outbox(viewer=user.name)))

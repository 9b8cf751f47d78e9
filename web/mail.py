"""The mail page: what the outbox holds when no SMTP server is configured. Admins and auditors only:
it shows every case's mail."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine import permissions

from .engine_access import require_permission, run

bp = Blueprint("mail", __name__)


@bp.get("/mail")
def outbox():
    require_permission(permissions.READ_MAIL)
    return render_template("mail.html", messages=run(lambda eng, user: eng.outbox(viewer=user.name)))

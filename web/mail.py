"""The mail page: what the outbox holds when no SMTP server is configured."""
from __future__ import annotations

from flask import Blueprint, render_template

from .engine_access import call

bp = Blueprint("mail", __name__)


@bp.get("/mail")
def outbox():
    return render_template("mail.html", messages=call("outbox"))

"""The mail page: what the outbox holds when no SMTP server is configured. Admins and auditors only:
it shows every case's mail, newest first, a page at a time, filtered by status and by case."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from engine import permissions
from engine.audit_operations import OUTBOX_STATUSES

from .engine_access import require_permission, run

bp = Blueprint("mail", __name__)


@bp.get("/mail")
def outbox():
    require_permission(permissions.READ_MAIL)
    status = request.args.get("status", "")
    status = status if status in OUTBOX_STATUSES else ""
    case_id = request.args.get("case", "").strip().upper()
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() else 1
    messages = run(lambda eng, user: eng.outbox_page(number, status or None, case_id or None, viewer=user.name))
    filters = {"status": status, "case": case_id}
    return render_template("mail.html", messages=messages, filters=filters, statuses=list(OUTBOX_STATUSES),
                           kept={k: v for k, v in filters.items() if v})

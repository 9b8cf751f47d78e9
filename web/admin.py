"""The admin page: every account, and a form to add one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine import accounts, permissions
from engine.permissions import ROLES

from .engine_access import require_permission, run

bp = Blueprint("admin", __name__)
FIELDS = ("name", "role", "org", "email", "password")


@bp.before_request
def _admins_only():
    require_permission(permissions.MANAGE_ACCOUNTS)


@bp.get("/admin/users")
def users():
    return render_template("admin_users.html", users=run(lambda eng, _u: accounts.list_users(eng.session)),
                           roles=ROLES, values={}, errors={})


@bp.post("/admin/users")
def add_user():
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    values["password"] = request.form.get("password", "")

    def add(eng, _user):
        try:
            accounts.create_account(eng.session, values["name"], values["role"], eng.clock.now(),
                                    org=values["org"] or None, email=values["email"] or None,
                                    password=values["password"])
        except ValueError as exc:
            return str(exc)
        return None

    problem = run(add)
    if problem:
        field = next((f for f in ("organisation", "role", "email", "password") if f in problem), "name")
        field = "org" if field == "organisation" else field
        return render_template("admin_users.html", users=run(lambda eng, _u: accounts.list_users(eng.session)),
                               roles=ROLES, values={**values, "password": ""}, errors={field: problem}), 400
    flash(f"Account {values['name']} added", "success")
    return redirect(url_for("admin.users"))

"""The admin pages: every account, a form to add one, and one account's page: its web sessions (sign
out everywhere), a new password, and its API tokens (create, revoke)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from engine import permissions
from engine.permissions import ROLES

from .engine_access import require_permission, run

bp = Blueprint("admin", __name__)
FIELDS = ("name", "role", "org", "email", "password")
#: What the token form offers: days until expiry ("" never).
TOKEN_EXPIRY = (("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never"))


@bp.before_request
def _admins_only():
    require_permission(permissions.MANAGE_ACCOUNTS)


@bp.get("/admin/users")
def users():
    return render_template("admin_users.html", users=run(lambda eng, _u: eng.reads.accounts()),
                           roles=ROLES, values={}, errors={}, register=_register())


@bp.post("/admin/users")
def add_user():
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    values["password"] = request.form.get("password", "")

    def add(eng, _user):
        try:
            eng.add_account(values["name"], values["role"], org=values["org"] or None,
                            email=values["email"] or None, password=values["password"])
        except ValueError as exc:
            return str(exc)
        return None

    problem = run(add)
    if problem:
        field = next((f for f in ("role", "email") if f in problem), "password" if "password" in problem else "name")
        field = "org" if problem.startswith("organisation ") or "belong to an organisation" in problem else field
        return render_template("admin_users.html", users=run(lambda eng, _u: eng.reads.accounts()),
                               roles=ROLES, values={**values, "password": ""}, errors={field: problem},
                               register=_register()), 400
    flash(f"Account {values['name']} added", "success")
    return redirect(url_for("admin.account", name=values["name"]))


def _register() -> list[dict]:
    """The organisations an account may belong to, for the form's choice."""
    return run(lambda eng, _u: eng.reads.organisations())


def _detail(eng, name: str) -> dict:
    try:
        return eng.reads.account(name)
    except ValueError as exc:
        abort(404, description=str(exc))


def _account_page(name: str, status: int = 200, **extra):
    detail = run(lambda eng, _u: _detail(eng, name))
    return render_template("admin_account.html", account=detail, expiry=TOKEN_EXPIRY,
                           errors=extra.pop("errors", {}), **extra), status


@bp.get("/admin/users/<name>")
def account(name: str):
    return _account_page(name)


@bp.post("/admin/users/<name>/sign-out-everywhere")
def sign_out_everywhere(name: str):
    ended = run(lambda eng, _u: eng.sign_out_everywhere(_detail(eng, name)["name"]))
    flash(f"{name} is signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended)", "success")
    return redirect(url_for("admin.account", name=name))


@bp.post("/admin/users/<name>/password")
def set_password(name: str):
    def change(eng, _u):
        _detail(eng, name)
        try:
            return eng.set_password(name, request.form.get("new_password", ""))
        except ValueError as exc:
            return str(exc)

    result = run(change)
    if isinstance(result, str):
        return _account_page(name, 400, errors={"new_password": result[:1].upper() + result[1:]})
    flash(f"{name} has a new password and is signed out everywhere", "success")
    return redirect(url_for("admin.account", name=name))


@bp.post("/admin/users/<name>/tokens")
def add_token(name: str):
    days = request.form.get("expires", "90")
    label = request.form.get("label", "")

    def issue(eng, _u):
        account = _detail(eng, name)["name"]
        try:
            if days not in {value for value, _ in TOKEN_EXPIRY}:
                raise ValueError("choose when the token expires")
            return eng.issue_api_token(account, label, int(days) if days else None)
        except ValueError as exc:
            return None, str(exc)

    created, secret = run(issue)
    if created is None:
        return _account_page(name, 400, errors={"label" if "name" in secret else "expires": secret.capitalize()},
                             label=label)
    return _account_page(name, new_token=created, secret=secret)


@bp.post("/admin/users/<name>/tokens/<int:token_id>/revoke")
def revoke_token(name: str, token_id: int):
    def revoke(eng, _u):
        account = _detail(eng, name)["name"]
        try:
            return eng.revoke_api_token(token_id, account)
        except ValueError as exc:
            abort(409 if "already" in str(exc) else 404, description=str(exc))

    revoked = run(revoke)
    flash(f"API token ‘{revoked['name']}’ of {name} revoked", "success")
    return redirect(url_for("admin.account", name=name))

"""The organisations page (admins): the register, adding an entry or a CSV file of them, and resolving
case parties and accounts that name no entry. Every action asks engine.access whether the user may."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine import organisations as orgs
from engine import permissions
from engine.organisations_csv import RegisterFileError
from engine.party_links import resolve

from .engine_access import run

bp = Blueprint("organisations", __name__)
ADD_FIELDS = ("name", "kind", "authority", "urn", "org_id")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _page(eng, user, values=None, errors=None, import_errors=None):
    permissions.require_may(user, permissions.ORGANISATIONS)
    register = eng.reads.organisations()
    return {"register": register, "unmatched": eng.reads.unmatched(),
            "authorities": [o for o in register if o["kind"] == "local_authority"], "kinds": orgs.KIND_LABELS,
            "party_kinds": orgs.PARTY_FIELDS, "role_kinds": orgs.ROLE_KINDS, "values": values or {},
            "errors": errors or {}, "import_errors": import_errors or []}


def _render(context: dict, status: int = 200):
    return render_template("admin_organisations.html", **context), status


@bp.get("/admin/organisations")
def register():
    return _render(run(_page))


@bp.post("/admin/organisations")
def add():
    values = {k: request.form.get(k, "").strip() for k in ADD_FIELDS}

    def add_entry(eng, user):
        permissions.require_may(user, permissions.ORGANISATIONS)
        try:
            org = eng.add_organisation(values["name"], values["kind"], authority=values["authority"] or None,
                                       urn=values["urn"] or None, org_id=values["org_id"] or None)
        except ValueError as exc:
            return None, str(exc)
        return org.name, None

    name, problem = run(add_entry)
    if problem:
        field = next((f for f, word in (("urn", "URN"), ("org_id", "id "), ("kind", "kind"), ("authority", "authority"))
                      if word in problem), "name")
        return _render(run(lambda eng, user: _page(eng, user, values, {field: problem})), 400)
    flash(f"{name} added to the register", "success")
    return redirect(url_for("organisations.register"))


@bp.post("/admin/organisations/import")
def import_file():
    upload = request.files.get("file")
    data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    problem = None
    if not data:
        problem = "Choose a CSV file with the columns id,name,kind,authority,urn"
    elif len(data) > MAX_IMPORT_BYTES:
        problem = "The file is larger than 2 MB"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problem, text = "The file is not UTF-8 text", ""
    if problem:
        return _render(run(lambda eng, user: _page(eng, user, import_errors=[problem])), 400)
    source = (upload.filename or "upload.csv") if upload else "upload.csv"

    def load(eng, user):
        permissions.require_may(user, permissions.ORGANISATIONS)
        return eng.import_organisations(text, source)

    try:
        counts = run(load)
    except RegisterFileError as exc:
        lines = str(exc).splitlines()
        return _render(run(lambda eng, user: _page(eng, user, import_errors=lines)), 400)
    flash(f"{source}: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged", "success")
    return redirect(url_for("organisations.register"))


@bp.post("/admin/organisations/resolve")
def resolve_value():
    value, to = request.form.get("value", ""), request.form.get("to", "").strip()
    field = request.form.get("field") or None

    def relink(eng, user):
        try:
            return resolve(eng, value, to, user.name, field), None
        except ValueError as exc:
            return None, str(exc)

    result, problem = run(relink)
    if problem or not to:
        problem = problem or f"Choose the register entry that {value!r} means"
        return _render(run(lambda eng, user: _page(eng, user, errors={"resolve": problem})), 400)
    flash(f"{value} now points at {result['entry']['name']}: {len(result['cases'])} case(s), "
          f"{len(result['accounts'])} account(s)", "success")
    return redirect(url_for("organisations.register"))

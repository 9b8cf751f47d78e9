"""Process owners' pages: the versions of each process, a readable diff between two, moving running cases
to another version (a dry run first, then confirm), and the modeller (bpmn-js with the Camunda 7 properties
panel) whose Validate and Deploy run the same pipeline as `reintegrate process validate` and `deploy`.

Only process owners and admins reach any of it."""
from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from lxml import etree

from engine import permissions
from engine.errors import Conflict, EngineError, InvalidProcess
from engine.parser import executable_processes
from engine.process_info import BPMN_NS
from engine.safe_xml import parse_xml

from .engine_access import require_permission, run

bp = Blueprint("processes", __name__, url_prefix="/processes")


@bp.before_request
def _owners_only():
    require_permission(permissions.PROCESSES)


@bp.app_template_filter("process_name")
def process_name(key: str) -> str:
    """A process by the name its latest version gives it ("Reintegration from alternative provision"),
    read once a request."""
    if "process_names" not in g:
        g.process_names = run(lambda eng, _user: eng.reads.process_names())
    return g.process_names.get(key) or key.replace("_", " ").capitalize()


@bp.get("")
def versions():
    def load(eng, _user):
        return eng.versions(), eng.reads.running_counts()

    rows, running = run(load)
    by_process = {key: [{**v, "running": running.get((key, v["version"]), 0)} for v in group]
                  for key, group in groupby(rows, key=lambda v: v["process"])}
    history = run(lambda eng, _user: {key: eng.process_history(key)[-5:] for key in by_process})
    return render_template("processes.html", by_process=by_process, history=history)


@bp.post("/<process>/versions/<int:version>/activate")
def activate(process: str, version: int):
    """A process owner's choice of the version new cases start on (a rollback after a bad deploy)."""
    try:
        result = run(lambda eng, user: eng.activate(process, version, user.name))
    except Conflict as exc:
        abort(409, description=str(exc))
    flash(f"New cases of {process_name(process)} now start on version {result['active']} "
          f"(they started on version {result['previous']})", "success")
    return redirect(url_for("processes.versions") + f"#process-{process}")


def _version_numbers(process: str) -> list[int]:
    numbers = [v["version"] for v in run(lambda eng, _u: eng.versions()) if v["process"] == process]
    if not numbers:
        abort(404, description=f"no process {process!r} is deployed")
    return numbers


@bp.get("/<process>/diff")
def diff(process: str):
    numbers = _version_numbers(process)
    old = request.args.get("from", type=int) or (numbers[-2] if len(numbers) > 1 else numbers[-1])
    new = request.args.get("to", type=int) or numbers[-1]
    if old not in numbers or new not in numbers:
        abort(404, description=f"{process} has versions {', '.join(map(str, numbers))} only")

    def load(eng, _user):
        return (eng.diff_versions(process, old, new), eng.reads.version_document(process, old).titles,
                eng.reads.version_document(process, new).titles)

    changes, old_titles, new_titles = run(load)
    return render_template("process_diff.html", process=process, numbers=numbers, diff=changes,
                           old_titles=old_titles, new_titles=new_titles)


@bp.get("/<process>/versions/<int:version>/diagram.bpmn")
def diagram(process: str, version: int):
    doc = run(lambda eng, _u: eng.reads.version_document(process, version))
    return Response(doc.bpmn_xml, mimetype="application/xml")


# -- migrating running cases ------------------------------------------------------------------
def _migrate_one(case_id: str, to: int, dry_run: bool) -> dict[str, Any]:
    """One case, in its own transaction: a refusal holds back no other case (as the CLI does)."""
    try:
        result = run(lambda eng, user: eng.migrate_case(case_id, to, user.name, dry_run=dry_run))
        return {**result, "error": None}
    except EngineError as exc:
        incident = getattr(exc, "incident_id", None)  # a step of the new version failed (StepFailed)
        return {"case_id": case_id, "error": str(exc) + (f"; nothing was changed (incident {incident})"
                                                         if incident else ""), "affected": []}


def _migration_form(process: str, version: int) -> dict[str, Any]:
    cases = run(lambda eng, _u: eng.reads.running_cases(process, version))
    targets = [n for n in _version_numbers(process) if n != version]
    return {"process": process, "version": version, "cases": cases, "targets": targets}


@bp.get("/<process>/versions/<int:version>/migrate")
def migrate_form(process: str, version: int):
    view = _migration_form(process, version)
    return render_template("process_migrate.html", **view, values={"to": max(view["targets"], default=None)},
                           errors={}, results=None, step="choose")


@bp.post("/<process>/versions/<int:version>/migrate")
def migrate(process: str, version: int):
    view = _migration_form(process, version)
    running = [c["case_id"] for c in view["cases"]]
    scope, to = request.form.get("scope", ""), request.form.get("to", type=int)
    chosen = running if scope == "all" else [c for c in request.form.getlist("case") if c]
    errors = {}
    if scope not in ("all", "one"):
        errors["scope"] = "Choose all running cases or one case"
    elif not chosen:
        errors["case"] = "Choose the case to move" if scope == "one" else "No case runs on this version"
    elif any(c not in running for c in chosen):
        errors["case"] = "That case does not run on this version any more: choose again"
    if to not in view["targets"]:
        errors["to"] = "Choose the version to move the cases to"
    values = {"scope": scope, "case": chosen[0] if scope == "one" and chosen else "", "to": to}
    if errors:
        return render_template("process_migrate.html", **view, values=values, errors=errors, results=None,
                               step="choose"), 400
    confirm = request.form.get("step") == "confirm"
    results = [_migrate_one(case_id, to, dry_run=not confirm) for case_id in chosen]
    if confirm:
        moved = sum(1 for r in results if not r["error"])
        flash(f"{moved} of {len(results)} case(s) moved from version {version} to version {to}", "success")
        view = _migration_form(process, version)  # what runs on this version now
    return render_template("process_migrate.html", **view, values=values, errors={}, results=results,
                           step="done" if confirm else "confirm")


# -- the modeller ------------------------------------------------------------------------------
@bp.get("/<process>/modeller")
def modeller(process: str):
    doc = run(lambda eng, _u: eng.reads.version_document(process, request.args.get("version", type=int)))
    return render_template("process_modeller.html", doc=doc, latest=_version_numbers(process)[-1])


def _problem_json(problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "element": problem.element, "message": problem.message,
            "text": str(problem)}


def _check_key(content: bytes, process: str, filename: str) -> list[dict[str, Any]]:
    """This page deploys `process`: a diagram whose executable process has another id is refused."""
    try:
        root = parse_xml(content)
    except etree.XMLSyntaxError:
        return []  # the pipeline says so, with the line
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return []
    keys = [p.get("id") for p in executable_processes(root)]
    if len(keys) == 1 and keys[0] != process:
        message = f"the executable process is {keys[0]!r}: this page deploys {process!r}; keep the process id"
        return [{"file": filename, "line": None, "element": keys[0], "message": message,
                 "text": f"{filename}:0: {keys[0]}: {message}"}]
    return []


def _submitted(process: str):
    """The diagram the modeller sent, with the DMN documents and file name of the latest version."""
    content = request.get_data(cache=False)
    if not content.strip():
        abort(400, description="send the diagram as the request body (application/xml)")
    doc = run(lambda eng, _u: eng.reads.version_document(process))
    documents = {name: text.encode() for name, text in doc.documents.items()}
    return content, doc.filename, documents


@bp.post("/<process>/validate")
def validate(process: str):
    content, filename, documents = _submitted(process)
    problems = [_problem_json(p) for p in run(lambda eng, _u: eng.validate(content, filename, documents))]
    problems += _check_key(content, process, filename)
    return jsonify({"ok": not problems, "problems": problems})


@bp.post("/<process>/deploy")
def deploy(process: str):
    content, filename, documents = _submitted(process)
    problems = _check_key(content, process, filename)
    if problems:
        return jsonify({"ok": False, "problems": problems}), 422
    try:
        deployed = run(lambda eng, user: eng.deploy(content, filename, user.name, documents))
    except InvalidProcess as exc:
        return jsonify({"ok": False, "problems": [_problem_json(p) for p in exc.problems]}), 422
    if deployed.created:
        flash(f"{process} version {deployed.version} deployed: new cases start on it", "success")
    elif deployed.active != deployed.version:
        flash(deployed.message, "success")
    return jsonify({"ok": True, **deployed.to_json(), "versions_url": url_for("processes.versions")})

"""The task list, claiming, and the task page with its form rendered from the BPMN."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from engine import permissions, queries, who_acts
from engine.errors import Conflict, InvalidData, StepFailed
from engine.permissions import ROLES

from . import task_forms
from .engine_access import failure_for_people, run, runtime
from .redirects import safe_path

bp = Blueprint("tasks", __name__)


@bp.app_template_global()
def may(action: str) -> bool:
    """For a page's links and buttons: may the signed-in user take `action` at all (engine.permissions)."""
    return g.get("user") is not None and bool(permissions.may(g.user, action))


@bp.app_template_global()
def takes_lane(lane: str | None) -> bool:
    """May the signed-in user do and take the tasks of `lane` (on the cases they may read)?"""
    return g.get("user") is not None and permissions.takes_lane(g.user, lane)


@bp.app_template_global()
def sees_every_lane() -> bool:
    """Is the signed-in user shown every lane's tasks (readers of every case), with a lane filter?"""
    return g.get("user") is not None and permissions.task_lanes(g.user) is None


@bp.app_template_global()
def has_task_list() -> bool:
    """Does the signed-in user have a task list (a lane, or every lane to read)? The agencies have none."""
    return g.get("user") is not None and permissions.has_task_list(g.user)


def _int(value: str | None, default: int) -> int:
    if not (value and value.isascii() and value.isdigit()):
        return default
    if int(value) > queries.MAX_PAGE:  # an OFFSET past what the databases take
        abort(400, description=f"There is no page {value[:30]}: pages go from 1 to {queries.MAX_PAGE:,} at most.")
    return int(value)


def _filters(args) -> queries.TaskFilter:
    return queries.TaskFilter(
        scope="mine" if args.get("scope") == "mine" else "team", overdue=bool(args.get("overdue")),
        due_soon=bool(args.get("due_soon")), process=args.get("process") or None,
        lane=args.get("lane") if args.get("lane") in ROLES else None,
        order="-due" if args.get("order") == "-due" else "due", page=_int(args.get("page"), 1))


@bp.get("/")
def task_list():
    if not has_task_list():  # an agency's list could never hold a task: its home is the cases sent to it
        return redirect(url_for("case_list.cases"))
    filters = _filters(request.args)
    today = runtime().clock.now().date()
    page, processes = run(lambda eng, user: (eng.task_page(user, filters, today),
                                             eng.reads.process_names()))
    return render_template("tasks.html", page=page, filters=filters, processes=processes, lanes=ROLES,
                           args=request.args)


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str):
    return _claim_action(task_id, lambda eng, user: eng.claim_task(user, task_id),
                         "You are now doing this task")


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str):
    return _claim_action(task_id, lambda eng, user: eng.unclaim_task(user, task_id),
                         "You have released this task")


def _claim_action(task_id: str, action, message: str):
    try:
        run(action)
    except Conflict as exc:
        abort(409, description=str(exc))
    flash(message, "success")
    return redirect(safe_path(request.form.get("back"), url_for("tasks.task_list")))


def _load(eng, user, task_id: str):
    """(task, case) for the page, or (None, done) for a task someone has completed. The task carries
    its draft ("Save and come back later") for someone who may complete it."""
    row, done = eng.reads.task_or_done(user, task_id)
    if row is None:
        if done is None:
            abort(404, description=f"no task {task_id!r}")
        return None, done
    task = eng.show_task(task_id, viewer=user.name)
    case = eng.show_case(row.case_id, viewer=user.name)
    case["process_name"] = eng.process_info(row.case_id).name
    may_complete = who_acts.may_complete(user, task["lane"], case["data"])
    return ({**task, "claimed_by": row.claimed_by, "party_choices": eng.reads.form_choices(task["form"]),
             "may_complete": may_complete, "draft": eng.task_draft(task_id, user.name) if may_complete else None,
             "lane_party": (case["data"] or {}).get(queries.PARTY_FIELDS.get(task["lane"] or "", ""))}, case)


def _part(task, number: str | None) -> tuple[int, list]:
    """(part number from 1, its fields) of a form in sections; a form without sections is part 1."""
    parts = task_forms.sections(task["form"])
    n = int(number) if number and number.isascii() and number.isdigit() and 1 <= int(number) <= len(parts) else 1
    return n, parts[n - 1][1] if len(parts) > 1 else task["form"]


def _form(task, case, values, errors, number: int = 1, status: int = 200, returning: bool = False):
    """The task's form (one part of a form in sections); `returning`: say that saved answers are filled in."""
    parts = task_forms.sections(task["form"])
    fields = parts[number - 1][1] if len(parts) > 1 else task["form"]
    return render_template("task.html", task=task, case=case, values=values, errors=errors, fields=fields,
                           parts=parts if len(parts) > 1 else None, number=number, returning=returning), status


def _first_part_with(task, errors) -> int:
    parts = task_forms.sections(task["form"])
    return next((i for i, (_, fields) in enumerate(parts, 1) if any(f["id"] in errors for f in fields)), 1)


@bp.get("/tasks/<task_id>")
def task_page(task_id: str):
    task, case = run(lambda eng, user: _load(eng, user, task_id))
    if task is None:
        return render_template("task_done.html", done=case, task_id=task_id)
    answers = (task["draft"] or {}).get("answers")
    values = task_forms.values_for_display(task["form"], answers) if answers else task_forms.defaults(task["form"])
    return _form(task, case, values, {}, _part(task, request.args.get("section"))[0],
                 returning="section" not in request.args)


@bp.post("/tasks/<task_id>")
def complete(task_id: str):
    """One page of the form sent: kept as a draft ("Save and come back later"), checked and on to the
    next part or the check-answers page, or (a form with neither) the task completed."""
    task, case = run(lambda eng, user: _load(eng, user, task_id))
    if task is None:
        return render_template("task_done.html", done=case, task_id=task_id), 409
    number, fields = _part(task, request.form.get("section"))
    multi = len(task_forms.sections(task["form"])) > 1
    shown = {**task_forms.values_for_display(task["form"], (task["draft"] or {}).get("answers") or {}),
             **task_forms.values_for_display(fields, request.form)}
    if request.form.get("action") == "later":
        typed = {name: request.form.get(name, "") for name in task_forms.input_names(fields)}
        run(lambda eng, user: eng.save_draft(task_id, typed, user.name))
        flash(f"{task['title']}: your answers have been saved. Come back to it from your tasks.", "success")
        return redirect(url_for("tasks.task_list"))
    if request.form.get("change"):
        return _form(task, case, shown, {}, number)
    data, errors = task_forms.parse(fields, request.form)
    if not (multi or task["check_answers"]):
        return _complete(task, case, data, errors, shown)
    try:
        checked = run(lambda eng, user: eng.check_task(task_id, data, user.name,
                                                       only={f["id"] for f in fields} if multi else None))
    except InvalidData as exc:
        errors = {**exc.errors, **errors}
    if errors:
        return _form(task, case, shown, errors, number, 400)
    if multi:
        typed = {name: request.form.get(name, "") for name in task_forms.input_names(fields)}
        run(lambda eng, user: eng.save_draft(task_id, typed, user.name))
        if number < len(task_forms.sections(task["form"])):
            return redirect(url_for("tasks.task_page", task_id=task_id, section=number + 1))
        return redirect(url_for("tasks.check_page", task_id=task_id))
    return render_template("task_check.html", task=task, case=case, answers=checked, parts=None,
                           raw=task_forms.raw_answers(task["form"], request.form))


@bp.get("/tasks/<task_id>/check")
def check_page(task_id: str):
    """A form in sections, all its answers (from the draft) to check before the task completes."""
    task, case = run(lambda eng, user: _load(eng, user, task_id))
    if task is None:
        return render_template("task_done.html", done=case, task_id=task_id)
    answers = (task["draft"] or {}).get("answers") or {}
    data, errors = task_forms.parse(task["form"], answers)
    try:
        checked = run(lambda eng, user: eng.check_task(task_id, data, user.name))
    except InvalidData as exc:
        errors = {**exc.errors, **errors}
    if errors:
        return _form(task, case, task_forms.values_for_display(task["form"], answers), errors,
                     _first_part_with(task, errors), 400)
    return render_template("task_check.html", task=task, case=case, answers=checked,
                           parts=task_forms.sections(task["form"]), raw=None)


@bp.post("/tasks/<task_id>/confirm")
def confirm(task_id: str):
    """The answers checked and confirmed: the task completed (from the draft for a form in sections)."""
    task, case = run(lambda eng, user: _load(eng, user, task_id))
    if task is None:
        return render_template("task_done.html", done=case, task_id=task_id), 409
    multi = len(task_forms.sections(task["form"])) > 1
    source = (task["draft"] or {}).get("answers") or {} if multi else request.form
    data, errors = task_forms.parse(task["form"], source)
    return _complete(task, case, data, errors, task_forms.values_for_display(task["form"], source))


def _complete(task, case, data, errors, shown):
    task_id = task["task_id"]
    try:  # a date this page could not read is one the engine refuses too: nothing is written
        result = run(lambda eng, user: eng.complete_task(task_id, data, user.name))
    except InvalidData as exc:  # the engine's messages, with this page's own for dates it could not read
        errors = {**exc.errors, **errors}
        return _form(task, case, shown, errors, _first_part_with(task, errors), 400)
    except Conflict as exc:
        return render_template("task_done.html", done=None, message=str(exc), task_id=task_id), 409
    except StepFailed as exc:  # the server's fault: say so, and keep every answer for another try
        return _form(task, case, shown, {"_": failure_for_people(exc)}, 1, 500)
    flash(f"{task['title']}: done", "success")
    return redirect(url_for("cases.case_page", case_id=result["case_id"]))

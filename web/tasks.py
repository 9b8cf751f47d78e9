"""The task list, claiming, and the task page with its form rendered from the BPMN."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from engine import case_list, organisations, permissions, queries, who_acts
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
                                             case_list.process_names(eng.session)))
    return render_template("tasks.html", page=page, filters=filters, processes=processes, lanes=ROLES,
                           args=request.args)


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str):
    return _claim_action(task_id, lambda eng, user: queries.claim(eng.session, user, task_id, eng.clock.now()),
                         "You are now doing this task")


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str):
    return _claim_action(task_id, lambda eng, user: queries.unclaim(eng.session, user, task_id),
                         "You have released this task")


def _claim_action(task_id: str, action, message: str):
    try:
        run(action)
    except Conflict as exc:
        abort(409, description=str(exc))
    flash(message, "success")
    return redirect(safe_path(request.form.get("back"), url_for("tasks.task_list")))


def _load(eng, user, task_id: str):
    """(task, case) for the page, or (None, done) for a task someone has completed."""
    row = queries.require_task(eng.session, user, task_id)
    if row is None:
        done = queries.closed_task(eng.session, task_id)
        if done is None:
            abort(404, description=f"no task {task_id!r}")
        queries.require_case(eng.session, user, done["case_id"])
        return None, done
    task = eng.show_task(task_id, viewer=user.name)
    case = eng.show_case(row.case_id, viewer=user.name)
    case["process_name"] = eng.process_info(row.case_id).name
    return ({**task, "claimed_by": row.claimed_by, "party_choices": organisations.form_choices(eng.session, task["form"]),
             "may_complete": who_acts.may_complete(user, task["lane"], case["data"]),
             "lane_party": (case["data"] or {}).get(queries.PARTY_FIELDS.get(task["lane"] or "", ""))}, case)


@bp.get("/tasks/<task_id>")
def task_page(task_id: str):
    task, case = run(lambda eng, user: _load(eng, user, task_id))
    if task is None:
        return render_template("task_done.html", done=case, task_id=task_id)
    return render_template("task.html", task=task, case=case, values=task_forms.defaults(task["form"]), errors={})


@bp.post("/tasks/<task_id>")
def complete(task_id: str):
    task, case = run(lambda eng, user: _load(eng, user, task_id))
    if task is None:
        return render_template("task_done.html", done=case, task_id=task_id), 409
    data, errors = task_forms.parse(task["form"], request.form)
    try:
        result = run(lambda eng, user: eng.complete_task(task_id, data, user.name))
    except InvalidData as exc:  # the engine's messages, with this page's own for dates it could not read
        return render_template("task.html", task=task, case=case, errors={**exc.errors, **errors},
                               values=task_forms.values_for_display(task["form"], request.form)), 400
    except Conflict as exc:
        return render_template("task_done.html", done=None, message=str(exc), task_id=task_id), 409
    except StepFailed as exc:  # the server's fault: say so, and keep every answer for another try
        return render_template("task.html", task=task, case=case, errors={"_": failure_for_people(exc)},
                               values=task_forms.values_for_display(task["form"], request.form)), 500
    flash(f"{task['title']}: done", "success")
    return redirect(url_for("cases.case_page", case_id=result["case_id"]))

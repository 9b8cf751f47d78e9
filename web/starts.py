"""Starting a case on the web: the processes an account may start, a GOV.UK start page for each,
the start form (rendered as task forms are), a check-answers page, then the case."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import case_starts
from engine.errors import InvalidData, StepFailed

from . import task_forms
from .engine_access import failure_for_people, run

bp = Blueprint("starts", __name__)


def _start(key: str):
    """(the process as the account may start it, the party choices of its form)."""
    def load(eng, user):
        start = eng.reads.start_of(key, user)
        return start, eng.reads.form_choices(start.form), case_starts.own_party(user, start)
    return run(load)


@bp.app_template_global()
def can_start(user) -> bool:
    """Whether the account may start any process (the header's "Start a case" link); asked once a request."""
    if user is None:
        return False
    if "can_start" not in g:
        g.can_start = bool(run(lambda eng, u: eng.reads.startable(u)))
    return g.can_start


@bp.get("/start")
def index():
    processes = run(lambda eng, user: eng.reads.startable(user))
    return render_template("start_index.html", processes=processes)


@bp.get("/start/<key>")
def start_page(key: str):
    start, _choices, _own = _start(key)
    return render_template("start.html", start=start)


@bp.get("/start/<key>/form")
def form(key: str):
    start, choices, own = _start(key)
    values = {**task_forms.defaults(start.form), **own}
    return render_template("start_form.html", start=start, choices=choices, values=values, errors={})


@bp.post("/start/<key>/form")
def check(key: str):
    """The answers checked (nothing is created yet): the form again with its errors, or the answers to confirm."""
    start, choices, _own = _start(key)
    data, date_errors = task_forms.parse(start.form, request.form)
    values, errors = run(lambda eng, user: eng.reads.start_answers(start, data, user))
    errors = {**errors, **date_errors}
    if errors or request.form.get("change"):
        return render_template("start_form.html", start=start, choices=choices, errors=errors,
                               values=task_forms.values_for_display(start.form, request.form)), 400 if errors else 200
    return render_template("start_check.html", start=start, answers=values, raw=_raw(start.form))


def _raw(fields) -> list[tuple[str, str]]:
    """The form as posted, to carry through the check-answers page in hidden inputs."""
    names = [f"{f['id']}-{p}" for f in fields if f["type"] == "date" for p in task_forms.DATE_PARTS]
    names += [f["id"] for f in fields if f["type"] != "date"]
    return [(n, request.form.get(n, "")) for n in names if request.form.get(n, "")]


@bp.post("/start/<key>")
def create(key: str):
    start, choices, _own = _start(key)
    data, date_errors = task_forms.parse(start.form, request.form)
    shown = task_forms.values_for_display(start.form, request.form)
    if date_errors:
        return render_template("start_form.html", start=start, choices=choices, errors=date_errors, values=shown), 400
    try:
        case = run(lambda eng, user: eng.start_case(key, data, user.name))
    except InvalidData as exc:
        return render_template("start_form.html", start=start, choices=choices, errors=exc.errors, values=shown), 400
    except StepFailed as exc:
        return render_template("start_form.html", start=start, choices=choices, values=shown,
                               errors={"_": failure_for_people(exc)}), 500
    flash(f"Case {case['case_id']} started", "success")
    return redirect(url_for("cases.case_page", case_id=case["case_id"]))

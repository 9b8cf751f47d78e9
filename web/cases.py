"""A case's page: status, key facts, parties, deadlines, timeline, the diagram, emergency review."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from engine import permissions
from engine.case_summary import summarise
from engine.errors import Conflict, InvalidData
from engine.permissions import PARTY_FIELDS
from engine.role_names import lanes_for_people

from .case_record import display, fields_by_id, title
from .engine_access import run

bp = Blueprint("cases", __name__)
CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")  # a value a handler set, such as "not_agreed"
EMERGENCY_REVIEW = "emergency_review_requested"
KEY_FACTS = (("pupil_name", "Pupil"), ("pupil_dob", "Date of birth"), ("parent_name", "Parent or carer"),
             ("outcome", "Outcome"))
PARTIES = (("ap_setting", "Alternative provision"), ("home_school", "Home school"), ("host_school", "Host school"),
           ("local_authority", "Local authority"), ("advocacy_provider", "Advocacy provider"),
           ("provider", "SEMH provider"))
#: Parties a case has only when it names them (most reintegrations have no advocacy provider).
NAMED_ONLY = ("advocacy_provider", "provider")
#: The parties the case summary beside a task names, when the case names them (the settings and providers).
SUMMARY_PARTIES = tuple((key, label) for key, label in PARTIES if key != "local_authority")
#: What a party left blank at the start means: a case names no home school when the pupil is on the AP setting's
#: roll only (the Worcestershire protocol's own case); the other parties are decided on the way.
PARTY_BLANKS = {"home_school": "None: the pupil is on the AP setting's roll only"}


def _case_view(eng, user, case_id: str) -> dict:
    eng.reads.require_case(user, case_id)
    case = eng.show_case(case_id, viewer=user.name)  # a person reading the case: the access log
    info = eng.process_info(case_id)
    case["process_name"] = info.name
    history = eng.history(case_id, viewer=user.name)
    awaited, catching = eng.reads.waiting(case_id)
    may_send = permissions.decide(user, permissions.MESSAGE, case=case["data"],
                                  senders=eng.message_senders(case_id, EMERGENCY_REVIEW))
    today = eng.clock.now().astimezone(ZoneInfo(eng.policy.timezone)).date()
    summary = summarise(info, case, history, catching, today, eng.policy.school_calendar(), eng.policy.timezone)
    fields = fields_by_id(info)
    facts = {key: _fact(case["data"][key], fields.get(key)) for key, _ in KEY_FACTS if case["data"].get(key)}
    # the parties this process has: those with a lane in it, and any the case names
    lane_parties = {PARTY_FIELDS.get(task.lane or "") for task in info.user_tasks.values()}
    parties = [(key, label) for key, label in PARTIES
               if case["data"].get(key) or (key in lane_parties and key not in NAMED_ONLY)]
    return {"case": case, "history": history, "parties": parties, "facts": facts, "may_send": may_send,
            "titles": {e["seq"]: title(e, info) for e in history},
            "summary": summary, "focus": _focus(case, history, catching, info),
            "can_request_review": EMERGENCY_REVIEW in awaited and bool(may_send)}


def _fact(value, form_field) -> str:
    """A key fact as people read it: a form's option by its label, a handler's code ("not_agreed") in words."""
    text = display(value, form_field)
    return text.replace("_", " ").capitalize() if form_field is None and CODE.match(text) else text


def _focus(case: dict, history: list[dict], catching: list[str], info) -> list[str]:
    """The steps the diagram opens on: the tasks ready now, else the events the case waits at (a timer
    between stages, a message), else the last step it took (where a closed case ended)."""
    ready = [t["task"] for t in case["ready_tasks"]]
    if ready:
        return ready
    waits = [t["task"] for t in case["waiting_timers"] if t["task"] not in info.boundaries] + catching
    if waits:
        return list(dict.fromkeys(waits))
    return [e["element"] for e in reversed(history) if e.get("element")][:1]


@bp.get("/cases/<case_id>")
def case_page(case_id: str):
    view = run(lambda eng, user: _case_view(eng, user, case_id))
    view.pop("may_send")
    return render_template("case.html", key_facts=KEY_FACTS, party_blanks=PARTY_BLANKS, **view)


@bp.get("/cases/<case_id>/diagram.bpmn")
def diagram(case_id: str):
    def load(eng, user):
        eng.reads.require_case(user, case_id)
        return lanes_for_people(eng.reads.process_xml(case_id))

    return Response(run(load), mimetype="application/xml")


#: The emergency review's reason: required (here before the check page; the engine refuses a request without
#: one from the API and the command line too), limited as the diagram's field is.
REASON_LIMIT = 2000


def _reason_problem(reason: str) -> str | None:
    if not reason:
        return "Enter why an emergency review is needed"
    if len(reason) > REASON_LIMIT:
        return f"Why an emergency review is needed must be {REASON_LIMIT:,} characters or less"
    return None


def _review_view(case_id: str) -> dict:
    """The case page's view, if the account may ask for an emergency review on it now: else 403 (not one
    who may ask) or 409 (the case is not waiting for one)."""
    view = run(lambda eng, user: _case_view(eng, user, case_id))
    if not view["may_send"]:
        abort(403, description=view["may_send"].reason)
    if not view["can_request_review"]:
        abort(409, description="An emergency review cannot be requested on this case now: only while the pupil is in "
                               "the placement, and not while one is waiting to be held.")
    return view


def _review_page(case_id: str, template: str, reason: str, error: str | None = None, status: int = 200):
    view = _review_view(case_id)
    return render_template(template, case=view["case"], reason=reason, error=error, limit=REASON_LIMIT), status


@bp.get("/cases/<case_id>/emergency-review")
def emergency_review_form(case_id: str):
    """Asking for an emergency review: why, then a check of that before it is asked for."""
    return _review_page(case_id, "emergency_review.html", "")


@bp.post("/cases/<case_id>/emergency-review/check")
def emergency_review_check(case_id: str):
    reason = request.form.get("reason", "").strip()
    problem = _reason_problem(reason)
    if problem or request.form.get("change"):
        return _review_page(case_id, "emergency_review.html", reason, problem, 400 if problem else 200)
    return _review_page(case_id, "emergency_review_check.html", reason)


@bp.post("/cases/<case_id>/emergency-review")
def request_emergency_review(case_id: str):
    reason = request.form.get("reason", "").strip()
    problem = _reason_problem(reason)
    if problem:
        return _review_page(case_id, "emergency_review.html", reason, problem, 400)
    _review_view(case_id)

    def send(eng, user):
        eng.reads.require_case(user, case_id)
        return eng.send_message(case_id, EMERGENCY_REVIEW, {"reason": reason}, user.name)

    try:
        run(send)
    except Conflict as exc:
        abort(409, description=str(exc))
    except InvalidData as exc:
        return _review_page(case_id, "emergency_review.html", reason, " ".join(exc.errors.values()), 400)
    flash("Emergency review requested: the host school has a task to hold it", "success")
    return redirect(url_for("cases.case_page", case_id=case_id))

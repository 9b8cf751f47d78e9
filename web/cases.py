"""A case's page: status, key facts, parties, deadlines, timeline, the diagram, emergency review."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from engine import permissions, queries
from engine.errors import Conflict, InvalidData

from .engine_access import run

bp = Blueprint("cases", __name__)
EMERGENCY_REVIEW = "emergency_review_requested"
KEY_FACTS = (("pupil_name", "Pupil"), ("pupil_dob", "Date of birth"), ("parent_name", "Parent or carer"),
             ("outcome", "Outcome"))
PARTIES = (("ap_setting", "Alternative provision"), ("home_school", "Home school"), ("host_school", "Host school"),
           ("local_authority", "Local authority"))
#: What a party left blank at the start means: a case names no home school when the pupil is on the AP setting's
#: roll only (the Worcestershire protocol's own case); the other parties are decided on the way.
PARTY_BLANKS = {"home_school": "None: the pupil is on the AP setting's roll only"}


def _case_view(eng, user, case_id: str) -> dict:
    queries.require_case(eng.session, user, case_id)
    case = eng.show_case(case_id, viewer=user.name)  # a person reading the case: the access log
    case["process_name"] = eng.process_info(case_id).name
    awaited = queries.awaited_messages(eng.session, eng.specs, eng.serializer, case_id)
    may_send = permissions.decide(user, permissions.MESSAGE, case=case["data"],
                                  senders=eng.message_senders(case_id, EMERGENCY_REVIEW))
    return {"case": case, "history": eng.history(case_id, viewer=user.name),
            "can_request_review": EMERGENCY_REVIEW in awaited and bool(may_send)}


@bp.get("/cases/<case_id>")
def case_page(case_id: str):
    view = run(lambda eng, user: _case_view(eng, user, case_id))
    return render_template("case.html", key_facts=KEY_FACTS, parties=PARTIES, party_blanks=PARTY_BLANKS, **view)


@bp.get("/cases/<case_id>/diagram.bpmn")
def diagram(case_id: str):
    def load(eng, user):
        queries.require_case(eng.session, user, case_id)
        return queries.process_xml(eng.session, case_id)

    return Response(run(load), mimetype="application/xml")


@bp.post("/cases/<case_id>/emergency-review")
def request_emergency_review(case_id: str):
    def send(eng, user):
        queries.require_case(eng.session, user, case_id)
        return eng.send_message(case_id, EMERGENCY_REVIEW, {}, user.name)

    try:
        run(send)
    except Conflict as exc:
        abort(409, description=str(exc))
    except InvalidData as exc:
        abort(400, description=str(exc))
    flash("Emergency review requested: the host school has a task to hold it", "success")
    return redirect(url_for("cases.case_page", case_id=case_id))

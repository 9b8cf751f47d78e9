"""Printable views of the Worcestershire protocol's forms as they were filled in, and of the failure letter.

Each form is the data of the task that filled it, read from the case's history (reviews reuse field
names, so the case's merged data would mix one review with the next). Anyone who can see the case
can print its forms; each view is written to the case's access log. Printing is the browser's own
(print CSS hides the service's header, footer and buttons).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template

from handlers.letters import failure_letter_text
from schooling.review_meetings import meetings_held

from . import case_record
from .engine_access import run

bp = Blueprint("printables", __name__)

PUPIL = (("pupil_name", "Child/young person's name"), ("pupil_dob", "Date of birth"))
SIGNATORIES = ("Parent/carer", "Child/young person", "Alternative provision setting", "Host school", "Other")
LA_PORTAL = "https://capublic.worcestershire.gov.uk/InYearAdmissions/Homepage.aspx"


@dataclass(frozen=True)
class FormDoc:
    """One of the seed's forms: which tasks fill it, and what the paper form adds around the fields."""

    slug: str
    title: str
    elements: tuple[str, ...]
    intro: str = ""
    header: tuple[tuple[str, str], ...] = PUPIL
    statement: str = ""
    signatures: tuple[str, ...] = ()
    note: str = ""
    grid: tuple[str, ...] = ()  # enum fields shown as the seed's tick grid


FORMS = (
    # The Oxfordshire timetable guidance: the school's plan, shared with social care, youth justice and early help.
    FormDoc("timetable-plan", "Reintegration Timetable Plan", ("agree_plan",),
            header=(*PUPIL, ("home_school", "School"), ("timetable_limit_date", "Back to full time by")),
            statement="The plan and the teaching hours must be signed by the parent: without parental agreement "
                      "a reduction in hours cannot be implemented.",
            signatures=("Parent/carer", "School")),
    FormDoc("consent", "Reintegration Consent Form", ("record_parental_consent",),
            intro="Consent to be gained from parent by current setting prior to approaching another school for "
                  "consideration of a reintegration.",
            header=(*PUPIL, ("ap_setting", "Alternative provision setting")),
            statement="I agree for the current setting to approach another school to discuss a reintegration for "
                      "the above child/young person and understand the reasons for this. I consent to my child's "
                      "information being shared.",
            signatures=("Parent/carer",)),
    FormDoc("information", "Reintegration Information", ("gather_information",),
            intro="Information to be completed by the alternative provision setting and parent prior to the "
                  "Reintegration Initial Meeting.",
            header=(*PUPIL, ("ap_setting", "Alternative provision setting"), ("consent_date", "Date parental consent gained")),
            grid=("attainment", "effort", "attitude_to_staff", "attitude_to_peers", "homework"),
            note="Please make sure any evidence of previous interventions and relevant documentation are included "
                 "or attached."),
    FormDoc("child-views", "Views of the Child/Young Person and their family", ("record_child_views",),
            intro="Being reintegrated back into a mainstream school provides you with an opportunity for a fresh "
                  "start. This gives your new school an understanding of you and what you want to achieve in the "
                  "future, so that you can make the best possible start.",
            signatures=("Child/young person",)),
    FormDoc("initial-meeting", "Reintegration Initial Meeting", ("hold_initial_meeting",),
            header=(*PUPIL, ("ap_setting", "Name of alternative provision setting"), ("host_school", "Name of host school")),
            signatures=SIGNATORIES),
    FormDoc("review", "Reintegration Review (or Emergency Review) Meeting",
            ("interim_review_1", "interim_review_2", "final_review", "hold_emergency_review"),
            header=(*PUPIL, ("ap_setting", "Alternative provision setting"), ("host_school", "Host school"),
                    ("parent_name", "Parent/carer")),
            signatures=SIGNATORIES, note="If this is the final meeting, please complete the Outcome Form."),
    FormDoc("successful-outcome", "SUCCESSFUL Reintegration Outcome Form to be completed by Host School",
            ("record_successful_outcome",),
            header=(*PUPIL, ("ap_setting", "Alternative provision setting"), ("host_school", "Host school"),
                    ("parent_name", "Parent/carer")),
            note="The alternative provision setting must notify the LA by completing a Leavers Form on the "
                 f"Children's Services Portal ({LA_PORTAL})."),
    FormDoc("unsuccessful-outcome", "UNSUCCESSFUL Reintegration Outcome Form to be completed by Home School",
            ("record_unsuccessful_outcome", "record_unsuccessful_outcome_ap"),
            intro="With no mainstream home school (the pupil is on the alternative provision setting's roll only), "
                  "the alternative provision setting completes it.",
            header=(*PUPIL, ("ap_setting", "Alternative provision setting"), ("host_school", "Host school"),
                    ("parent_name", "Parent/carer")),
            note="The host school must notify the LA using the Children's Services Portal "
                 f"({LA_PORTAL}) that the student has been deleted from their roll under regulation 9(1)(c) of "
                 "The School Attendance (Pupil Registration) (England) Regulations 2024 (the deletion return of "
                 "regulation 13)."),
    FormDoc("failure-decision", "Head teacher's decision to end the reintegration", ("confirm_failure_decision",),
            intro="As in the case of a permanent exclusion, the head teacher makes it clear that any key incident has "
                  "been investigated fully, checks whether the incident was provoked by racial or sexual harassment, "
                  "and allows the child to give their version of events.",
            header=(*PUPIL, ("host_school", "Host school")), signatures=("Head teacher",)),
    FormDoc("deletion-return", "Deletion from the admission register and return to the LA", ("remove_from_roll",),
            intro="The School Attendance (Pupil Registration) (England) Regulations 2024: the name is deleted on a "
                  "ground of regulation 9(1), and the return to the local authority of regulation 13 is made as soon "
                  "as the ground is met and no later than the deletion.",
            header=(*PUPIL, ("host_school", "School"), ("ap_setting", "Also registered at"),
                    ("parent_name", "Parent the pupil normally lives with"))),
)
BY_SLUG = {f.slug: f for f in FORMS}
FAILURE_LETTER = "failure-letter"


def _load(eng, user, case_id: str) -> tuple[dict, list[dict], object]:
    eng.reads.require_case(user, case_id)
    case = eng.show_case(case_id, viewer=user.name)
    return case, eng.history(case_id, viewer=user.name), case_record.case_info(eng, case_id)


def _filled(doc: FormDoc, events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] == "task_completed" and e["element"] in doc.elements]


def _letter(case: dict, events: list[dict]) -> tuple[str, bool] | None:
    """(text, sent): the letter the case stored when it sent it, else a draft once the outcome is recorded."""
    stored = case["data"].get("failure_letter")
    if isinstance(stored, str) and stored:
        return stored, True
    if _filled(BY_SLUG["unsuccessful-outcome"], events):  # every meeting held so far, as the sent letter will list
        held = meetings_held((e["element"], e["data"]) for e in events if e["kind"] == "task_completed")
        return failure_letter_text(case["data"], {"review_meetings": held}), False
    return None


def _by_meeting(filled: list[dict]) -> list[dict]:
    """Each filling with `held`, the date of the meeting it records (its `meeting_date`; else the day it
    was recorded), in the order the meetings were held: a review recorded late is listed by its meeting."""
    out = [{**e, "held": case_record.entered(e).get("meeting_date") or e["at"]} for e in filled]
    return sorted(out, key=lambda e: (e["held"], e["seq"]))


@bp.get("/cases/<case_id>/forms")
def index(case_id: str):
    def load(eng, user):
        case, events, info = _load(eng, user, case_id)
        docs = [(doc, _by_meeting(_filled(doc, events))) for doc in FORMS]
        return {"case": case, "docs": [(d, filled) for d, filled in docs if filled],
                "letter": _letter(case, events), "titles": info.titles}

    return render_template("printables_index.html", **run(load))


@bp.get("/cases/<case_id>/forms/failure-letter")
def failure_letter(case_id: str):
    def load(eng, user):
        case, events, _info = _load(eng, user, case_id)
        return case, _letter(case, events)

    case, letter = run(load)
    if letter is None:
        abort(404, description=f"case {case_id} has no failure letter: no unsuccessful outcome has been recorded")
    text, sent = letter
    return render_template("print_letter.html", case=case, paragraphs=text.split("\n\n"), sent=sent)


@bp.get("/cases/<case_id>/forms/<slug>", defaults={"seq": None})
@bp.get("/cases/<case_id>/forms/<slug>/<int:seq>")
def form(case_id: str, slug: str, seq: int | None):
    """The form as filled in at event `seq` (default: the latest time it was filled in)."""
    doc = BY_SLUG.get(slug)
    if doc is None:
        abort(404, description=f"there is no printable form called {slug!r}")

    def load(eng, user):
        case, events, info = _load(eng, user, case_id)
        filled = [e for e in _filled(doc, events) if seq is None or e["seq"] == seq]
        if not filled:
            abort(404, description=f"the {doc.title} has not been filled in on case {case_id}")
        event = filled[-1]
        task = info.user_tasks.get(event["element"])
        values = case_record.entered(event)
        grid = [f for f in (task.form if task else []) if f.id in doc.grid]
        rest = [f for f in (task.form if task else []) if f.id not in doc.grid]
        return {"case": case, "doc": doc, "event": event, "task_title": task.title if task else event["element"],
                "grid": [(f, values.get(f.id)) for f in grid],
                "fields": case_record.labelled({k: v for k, v in values.items() if k not in doc.grid}, info,
                                               event["element"], rest),
                "header": [(label, case_record.display(_header_value(case, events, key))) for key, label in doc.header]}

    return render_template("print_form.html", **run(load))


def _header_value(case: dict, events: list[dict], key: str):
    """A header field from the case's data, or from the form that recorded it (the consent date)."""
    if key in case["data"]:
        return case["data"][key]
    for e in reversed(events):
        values = case_record.entered(e) if e["kind"] == "task_completed" else {}
        if key in values:
            return values[key]
    return None

"""The Worcestershire reintegration protocol (the Worcestershire protocol) end to end, on the shipped diagram.

Every engine call runs in its own transaction and loads the case from the database, so each step
saves and restores the workflow.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.history import verify_chain
from engine.models import HistoryEvent, OutboxMessage
from schooling.models import WeightingEntry
from tests.conftest import REINTEGRATION

#: Every path runs restoring each step from storage, and again with the workflow cache on.
pytestmark = pytest.mark.workflow_cache_too

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    return harness


def start(h) -> str:
    case = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")
    assert [t["task"] for t in case["ready_tasks"]] == ["record_parental_consent"]
    return case["case_id"]


def do(h, case_id: str, element: str, data: dict) -> dict:
    lane = h.task(case_id, element)["lane"]
    return h.complete(case_id, element, data, ACTORS[lane])


def run_until(h, case_id: str, stop_before: str) -> dict:
    case = None
    for element, data in s.HAPPY_PATH.items():
        if element == stop_before:
            break
        case = do(h, case_id, element, data)
    return case


def mail(h, case_id: str) -> dict[str, OutboxMessage]:
    rows = h.query(lambda ses: ses.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all())
    # keys are "<case>:<purpose>:<address>"; index by purpose
    return {m.idempotency_key.rsplit(":", 1)[0].split(":", 1)[1]: m for m in rows}


def test_happy_path_from_consent_to_successful_outcome(h):
    case_id = start(h)
    lanes = {}
    for element, data in s.HAPPY_PATH.items():
        lanes[element] = h.task(case_id, element)["lane"]
        case = do(h, case_id, element, data)
    assert lanes["record_parental_consent"] == "ap_setting"
    assert lanes["allocate_place"] == "la_admissions"
    assert lanes["confirm_dual_registration"] == "ap_setting"  # inside the placement subprocess
    assert lanes["final_review"] == "host_school"
    assert case["status"] == "completed" and case["data"]["outcome"] == "successful"
    assert case["ready_tasks"] == [] and case["waiting_timers"] == []
    grid = h.query(lambda ses: {(w.school, w.points) for w in ses.scalars(select(WeightingEntry))})
    # the case names a mainstream home school: the pupil leaves its roll, which takes the -3 (policy)
    assert grid == {("Kingsmead High School", 3), ("Hollybrook High School", -3)}
    sent = mail(h, case_id)
    # Each meeting is recorded on or after its day (a date something happened is never in the future),
    # so the clock passes the final review's reminder day (it was held four days after its date).
    # (and the Leavers Form's, due the day the pupil goes on the host roll).
    assert set(sent) == {"la_referral", "transport_redesignation", "la_outcome", "reminder:final_review:2027-04-12:role",
                         "reminder:complete_leavers_form:2027-04-19"}
    assert "successful" in sent["la_outcome"].subject
    events = h.query(lambda ses: ses.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case_id)
                                             .order_by(HistoryEvent.seq)).all())
    assert verify_chain(events) is None
    kinds = [e.kind for e in events]
    assert kinds[0] == "case_started" and kinds[-1] == "case_completed"
    assert kinds.count("task_completed") == len(s.HAPPY_PATH)


def test_review_dates_default_to_two_four_six_weeks_and_are_due_dates(h):
    case_id = start(h)
    meeting = {k: v for k, v in s.HAPPY_PATH["hold_initial_meeting"].items() if not k.startswith("review_")}
    for element, data in s.HAPPY_PATH.items():
        if element == "hold_initial_meeting":
            case = do(h, case_id, element, meeting)
            break
        do(h, case_id, element, data)
    assert meeting["start_date"] == "2027-03-01"
    # 4 weeks after the start falls in the Easter holidays (26 March - 9 April 2027): the school day before
    assert (case["data"]["review_1_date"], case["data"]["review_2_date"], case["data"]["review_3_date"]) == (
        "2027-03-15", "2027-03-25", "2027-04-12")
    do(h, case_id, "confirm_dual_registration", s.HAPPY_PATH["confirm_dual_registration"])
    assert h.task(case_id, "interim_review_1")["due"] == "2027-03-15"


def test_initial_meeting_dates_are_checked(h):
    case_id = start(h)
    run_until(h, case_id, "hold_initial_meeting")
    past = {**s.HAPPY_PATH["hold_initial_meeting"], "review_1_date": "2027-02-20"}
    with pytest.raises(InvalidData) as err:  # a planned date (date_rule future) is not in the past
        do(h, case_id, "hold_initial_meeting", past)
    assert err.value.errors == {"review_1_date": "First interim review date (default: 2 weeks after start) must be "
                                                 "today or in the future"}
    bad = {**s.HAPPY_PATH["hold_initial_meeting"], "review_1_date": "2027-02-26", "review_2_date": "2027-03-26",
           "review_3_date": "2027-05-30"}
    with pytest.raises(InvalidData) as err:
        do(h, case_id, "hold_initial_meeting", bad)
    assert "review_1_date" in err.value.errors and "within 6 weeks" in err.value.errors["review_3_date"]
    assert err.value.errors["review_2_date"] == "Review 2 falls on Friday 26 March 2027, which is not a school day"
    assert h.task(case_id, "hold_initial_meeting")  # still ready: nothing changed


def test_consent_refused_ends_the_case_as_not_agreed(h):
    case_id = start(h)
    case = do(h, case_id, "record_parental_consent", s.CONSENT_REFUSED_PATH["record_parental_consent"])
    assert case["status"] == "completed"
    assert case["data"]["outcome"] == "not_agreed"
    assert case["ready_tasks"] == []


def test_failed_placement_through_an_emergency_review(h):
    case_id = start(h)
    run_until(h, case_id, "interim_review_1")
    with pytest.raises(NotFound):  # a school that is not a party may not ask: to it, there is no such case
        h.call("send_message", case_id, "emergency_review_requested", {"by": "x"}, "wes.wrong")
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "fight"}, "hana.host")
    ready = {t["task"] for t in h.call("show_case", case_id)["ready_tasks"]}
    assert ready == {"interim_review_1", "hold_emergency_review"}  # the reviews go on meanwhile
    with pytest.raises(InvalidData, match="must include the local authority"):
        do(h, case_id, "hold_emergency_review", {**s.EMERGENCY_REVIEW_CONTINUE, "la_present": False})
    do(h, case_id, "hold_emergency_review", s.EMERGENCY_REVIEW_CONTINUE)
    do(h, case_id, "interim_review_1", s.HAPPY_PATH["interim_review_1"])
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "assault"}, "hana.host")
    case = do(h, case_id, "hold_emergency_review", s.EMERGENCY_REVIEW_END)
    assert [t["task"] for t in case["ready_tasks"]] == ["record_unsuccessful_outcome"]
    assert case["ready_tasks"][0]["lane"] == "home_school"
    with pytest.raises(Conflict, match="not waiting for message"):
        h.call("send_message", case_id, "emergency_review_requested", {}, "hana.host")
    for element in ("record_unsuccessful_outcome", "confirm_failure_decision", "remove_from_roll"):
        case = do(h, case_id, element, s.UNSUCCESSFUL_PATH[element])
    assert case["status"] == "completed" and case["data"]["outcome"] == "unsuccessful"
    sent = mail(h, case_id)
    assert {"failure_letter:parent", "failure_letter:admissions", "la_outcome"} <= set(sent)
    assert sent["failure_letter:parent"].recipient == s.START_DATA["parent_email"]
    letter = sent["failure_letter:parent"].body
    assert letter.startswith(f"Dear {s.START_DATA['parent_name']}")
    assert s.UNSUCCESSFUL_PATH["confirm_failure_decision"]["decision_reasons"] in letter  # the head's own
    # the initial meeting's date, not the emergency review's (which reuses the field name)
    assert "at our original meeting on 22 February 2027" in letter
    assert "with effect from 26 April 2027" in letter
    assert h.query(lambda ses: ses.scalars(select(WeightingEntry)).all()) == []


def test_unsuccessful_final_review(h):
    case_id = start(h)
    run_until(h, case_id, "final_review")
    case = do(h, case_id, "final_review", s.UNSUCCESSFUL_PATH["final_review"])
    assert [t["task"] for t in case["ready_tasks"]] == ["record_unsuccessful_outcome"]


def test_wrong_school_and_wrong_role_cannot_complete(h):
    case_id = start(h)
    run_until(h, case_id, "interim_review_1")
    with pytest.raises(NotFound):  # Westfield is no party: to its staff, there is no such case
        do_as = h.task(case_id, "interim_review_1")["task_id"]
        h.catch_up(s.HAPPY_PATH["interim_review_1"], h.task(case_id, "interim_review_1")["form"])
        h.call("complete_task", do_as, s.HAPPY_PATH["interim_review_1"], "wes.wrong")
    with pytest.raises(Forbidden):
        h.call("complete_task", do_as, s.HAPPY_PATH["interim_review_1"], "ava.ap")
    assert h.call("complete_task", do_as, s.HAPPY_PATH["interim_review_1"], "ada.admin")["status"] == "running"


def test_dual_registration_needs_joiner_form_and_code_d(h):
    case_id = start(h)
    run_until(h, case_id, "confirm_dual_registration")
    with pytest.raises(InvalidData) as err:
        do(h, case_id, "confirm_dual_registration", {"joiner_form_completed": False, "ap_register_code_d": True})
    assert list(err.value.errors) == ["joiner_form_completed"]


def test_a_task_that_stays_ready_keeps_the_time_it_became_ready(h):
    from engine.models import ReadyTask

    case_id = start(h)
    run_until(h, case_id, "interim_review_1")
    task_id = h.task(case_id, "interim_review_1")["task_id"]
    ready_since = h.query(lambda ses: ses.get(ReadyTask, task_id).created_at)
    h.clock.advance(days=2)
    h.call("send_message", case_id, "emergency_review_requested", {"reason": "fight"}, "hana.host")
    rows = h.query(lambda ses: {r.element: r.created_at for r in ses.scalars(
        select(ReadyTask).where(ReadyTask.case_id == case_id))})
    assert rows == {"interim_review_1": ready_since, "hold_emergency_review": h.clock.now()}

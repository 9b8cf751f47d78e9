"""The Reintegration Service document: the outreach process end to end: declined, allocated with capacity in view, assessments on
return from an AP unit, information sent to the school after every session, meetings and parent contacts,
the Success in Schools group variant, and the outcome and destination kept for the service figures."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.access import add_user
from engine.effects import HandlerContext
from engine.errors import Forbidden, InvalidData
from engine.models import OutboxMessage
from handlers.outreach import outreach_capacity
from schooling.capacity import outreach_allocations
from schooling.policy import Policy
from tests.conftest import ROOT

#: Every path runs restoring each step from storage, and again with the workflow cache on.
pytestmark = pytest.mark.workflow_cache_too

OUTREACH = ROOT / "processes" / "outreach_support.bpmn"
SCHOOL_EMAIL = "senco@hollybrook.example"


@pytest.fixture
def h(harness):
    with harness.sessions() as ses:
        add_user(ses, "kim.outreach", "outreach", s.OUTREACH_REQUEST["local_authority"], harness.clock.now())
        add_user(ses, "sue.senco", "home_school", s.OUTREACH_REQUEST["home_school"], harness.clock.now(),
                 email=SCHOOL_EMAIL)
        ses.commit()
    harness.deploy(OUTREACH)
    harness.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    return harness


def outbox(h, case_id: str, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.case_id == case_id).order_by(OutboxMessage.id)
    rows = h.query(lambda ses: ses.scalars(query).all())
    return [m for m in rows if kind is None or m.kind == kind]


def ready(case: dict) -> list[str]:
    return [t["task"] for t in case["ready_tasks"]]


def test_a_declined_request_tells_the_school_why(h):
    case = h.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "sue.senco")
    assert ready(case) == ["review_outreach_request"] and case["ready_tasks"][0]["lane"] == "outreach"
    with pytest.raises(InvalidData, match="Say why"):
        h.complete(case["case_id"], "review_outreach_request", {"decision": "decline"}, "kim.outreach")
    case = h.complete(case["case_id"], "review_outreach_request",
                      {"decision": "decline", "decline_reason": "The pupil already has a counsellor in school."},
                      "kim.outreach")
    assert case["status"] == "completed" and case["data"]["outcome"] == "declined"
    [mail] = outbox(h, case["case_id"])
    assert (mail.kind, mail.recipient) == ("outreach_declined", SCHOOL_EMAIL)
    assert "already has a counsellor" in mail.body and "Casey" not in mail.body + mail.subject
    assert h.call("replay", case["case_id"], verify=True)["ok"]


def test_allocation_shows_capacity_and_checks_the_worker(h):
    case = h.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "sue.senco")
    summary = case["data"]["capacity_summary"]
    assert "3 FTE outreach workers" in summary and "counsellor 2 days a week" in summary
    assert "primary teacher 3 days a week" in summary
    with pytest.raises(Forbidden):
        h.complete(case["case_id"], "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "sue.senco")
    with pytest.raises(InvalidData) as err:
        h.complete(case["case_id"], "review_outreach_request", {"decision": "accept", "allocated_to": "primary_teacher"},
                   "kim.outreach")
    assert err.value.errors["allocated_to"] == "The primary teacher works with primary pupils only"
    assert {"worker_name", "support_start_date"} <= set(err.value.errors)
    h.complete(case["case_id"], "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "kim.outreach")
    [mail] = outbox(h, case["case_id"], "outreach_allocated")
    assert "an outreach worker (Kim Lowe)" in mail.body and "3 free weeks, then GBP 150 a week" in mail.body
    counts = h.query(lambda ses: outreach_allocations(ses))
    assert counts == {"outreach_worker": 1, "counsellor": 0, "primary_teacher": 0}
    assert h.query(lambda ses: outreach_allocations(ses, case["case_id"]))["outreach_worker"] == 0
    # The next request is shown the open allocation, and replays with the figure it was shown.
    second = h.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "sue.senco")
    assert second["data"]["capacity_summary"].startswith("3 FTE outreach workers: 1 open;")
    third = h.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "sue.senco")
    h.complete(third["case_id"], "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "kim.outreach")
    assert h.query(lambda ses: outreach_allocations(ses, second["case_id"]))["outreach_worker"] == 2
    assert h.call("replay", second["case_id"], verify=True)["ok"]  # with the figure it was shown, not today's


def test_capacity_handler_reports_the_counts_the_engine_passes():
    ctx = HandlerContext(case_id="OS-1", element="compute_capacity", data={}, now=datetime(2026, 3, 2, tzinfo=UTC),
                         policy=Policy(), facts={"outreach_allocations": {"outreach_worker": 7, "counsellor": 3}})
    out = outreach_capacity(ctx)
    assert out["capacity"]["outreach_worker"] == {"days_per_week": 15.0, "open_allocations": 7}
    assert out["capacity_summary"] == ("3 FTE outreach workers: 7 open; counsellor 2 days a week: 3 open; "
                                       "primary teacher 3 days a week: 0 open")


def test_assessments_then_every_contact_is_sent_to_the_school(h):
    case_id = h.call("start_case", "outreach_support", s.OUTREACH_REQUEST, "sue.senco")["case_id"]
    case = h.complete(case_id, "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "kim.outreach")
    assert ready(case) == ["complete_assessments"]  # back from a Reintegration Service unit
    case = h.complete(case_id, "complete_assessments", s.OUTREACH_PATH["complete_assessments"], "kim.outreach")
    [shared] = outbox(h, case_id, "outreach_assessments")
    assert "Boxall Profile" in shared.body and shared.recipient == SCHOOL_EMAIL
    with pytest.raises(InvalidData, match="cannot be dated before"):
        h.complete(case_id, "record_outreach_contact",
                   {**s.OUTREACH_PATH["record_outreach_contact"], "contact_date": "2026-02-27"}, "kim.outreach")
    kinds = ("session", "reintegration_meeting", "parent_contact", "review", "session")
    for n, kind in enumerate(kinds, start=1):
        h.clock.advance(days=1)
        data = {**s.OUTREACH_PATH["record_outreach_contact"], "contact_kind": kind,
                "contact_date": f"2026-03-0{n + 2}", "information_for_school": f"Note {n} for the school."}
        case = h.complete(case_id, "record_outreach_contact", data, "kim.outreach")
        sent = outbox(h, case_id, "outreach_session")
        assert len(sent) == n and f"Note {n} for the school." in sent[-1].body  # after every contact
        assert sent[-1].recipient == SCHOOL_EMAIL and "Casey" not in sent[-1].body + sent[-1].subject
    data = case["data"]
    assert (data["sessions_held"], data["parent_contacts"], data["contacts_recorded"]) == (2, 1, 5)
    assert [m["kind"] for m in data["meetings_attended"]] == ["reintegration_meeting", "review"]
    assert "Free weeks of reintegration support left: 2." in outbox(h, case_id, "outreach_session")[-1].body
    assert h.call("replay", case_id, verify=True)["ok"]


def test_success_in_schools_is_a_free_group_variant(h):
    case = h.call("start_case", "outreach_support", s.OUTREACH_GROUP_REQUEST, "sue.senco")
    case_id = case["case_id"]
    assert (case["data"]["request_type"], case["data"]["funding_basis"]) == ("group", "free")
    case = h.complete(case_id, "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "kim.outreach")
    assert ready(case) == ["plan_group"]
    h.complete(case_id, "plan_group", s.OUTREACH_PATH["plan_group"], "kim.outreach")
    group_session = {**s.OUTREACH_PATH["record_outreach_contact"], "contact_kind": "group_session"}
    with pytest.raises(InvalidData, match="how many pupils"):
        h.complete(case_id, "record_outreach_contact", group_session, "kim.outreach")
    for n, day in enumerate(("2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24"), start=1):
        case = h.complete(case_id, "record_outreach_contact",
                          {**group_session, "contact_date": day, "pupils_attended": 8 - (n == 3),
                           "next_step": "end" if n == 4 else "continue"}, "kim.outreach")
    assert len(outbox(h, case_id, "outreach_session")) == 4
    with pytest.raises(InvalidData, match="completed the group"):
        h.complete(case_id, "record_outreach_outcome", {"support_outcome": "completed"}, "kim.outreach")
    case = h.complete(case_id, "record_outreach_outcome",
                      {"support_outcome": "completed", "pupils_completed": 7, "pupils_in_mainstream": 8}, "kim.outreach")
    data = case["data"]
    assert case["status"] == "completed"
    assert (data["outcome"], data["pupils_completed"], data["support_weeks_total"], data["income_total"]) == (
        "completed", 7, 4, 0)
    assert h.call("replay", case_id, verify=True)["ok"]


def test_the_lac_team_can_ask_and_the_figures_are_kept_for_the_reports(h):
    with h.sessions() as ses:
        add_user(ses, "lara.laces", "la_admissions", s.OUTREACH_REQUEST["local_authority"], h.clock.now())
        ses.commit()
    request = {**s.OUTREACH_REQUEST, "requested_by": "lac_team", "support_type": "lac_resilience",
               "looked_after": True, "back_from_ap_unit": False}
    case = h.call("start_case", "outreach_support", request, "lara.laces")
    data = case["data"]
    assert (data["requested_by"], data["funding_basis"], data["academic_year"], data["financial_year"]) == (
        "lac_team", "free", "2025/26", "2025/26")
    assert {k: data[k] for k in ("gender", "phase", "send_ehcp_or_k", "pupil_premium", "looked_after")} == {
        "gender": "female", "phase": "secondary", "send_ehcp_or_k": True, "pupil_premium": True, "looked_after": True}

"""The HNRG advocacy pilot: advocacy for a reintegration at risk of failing, a branch of the reintegration process.

The AP setting records, with the reintegration information, whether the pupil is at risk (the HNRG advocacy pilot's
five reasons); if so an advocate is engaged at once for 9 weeks beside the protocol, records continuous
contacts with the student and family, and the case shows the transition's cost beside the current
setting's cost and the mainstream funding. The period ends by itself after 9 weeks.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.access import add_user
from engine.errors import InvalidData
from engine.models import OutboxMessage
from handlers.advocacy import advocacy_costs
from schooling.policy import Policy
from tests.conftest import REINTEGRATION

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home",
          "advocacy_provider": "ali.advocate"}


@pytest.fixture
def h(harness):
    with harness.sessions() as ses:
        add_user(ses, "ali.advocate", "advocacy_provider", s.ADVOCACY_RISK["advocacy_provider"], harness.clock.now())
        ses.commit()
    harness.deploy(REINTEGRATION)
    harness.clock.set(datetime(2027, 1, 18, 9, tzinfo=UTC))
    return harness


def do(h, case_id, element, data):
    return h.complete(case_id, element, data, ACTORS[h.task(case_id, element)["lane"]])


def ready(case) -> set[str]:
    return {t["task"] for t in case["ready_tasks"]}


def engaged_case(h) -> str:
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    do(h, case_id, "record_parental_consent", s.HAPPY_PATH["record_parental_consent"])
    do(h, case_id, "gather_information", s.ADVOCACY_RISK)
    case = do(h, case_id, "record_child_views", s.HAPPY_PATH["record_child_views"])
    assert ready(case) == {"record_fair_access_decision", "engage_student_and_family"}
    return case_id


def mails(h, case_id, kind):
    return h.query(lambda ses: ses.scalars(select(OutboxMessage).where(
        OutboxMessage.case_id == case_id, OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all())


def test_engaged_at_once_beside_the_protocol_with_its_costs(h):
    case_id = engaged_case(h)
    data = h.call("show_case", case_id)["data"]
    assert (data["advocacy_start_date"], data["advocacy_end_date"]) == ("2027-01-18", "2027-03-22")  # 9 weeks
    assert data["advocacy_costs"] == {"transition_type": "2:2", "current_setting_funding": 19500,
                                      "transition_cost": 3645, "mainstream_funding": 4600,
                                      "net_saving_if_reintegrated": 11255}
    assert len(data["advocacy_reasons"]) == 3
    [referral] = mails(h, case_id, "advocacy_referral")
    assert referral.recipient == "advocacy.service@provider.example"
    assert "18 January 2027 to 22 March 2027" in referral.body and "Jordan" not in referral.body + referral.subject
    assert h.task(case_id, "engage_student_and_family")["lane"] == "advocacy_provider"

    do(h, case_id, "engage_student_and_family", s.ADVOCACY_PATH["engage_student_and_family"])
    for element, form in s.HAPPY_PATH.items():  # the protocol goes on meanwhile, to a successful end
        if element in ("record_parental_consent", "gather_information", "record_child_views"):
            continue
        h.clock.advance(hours=12)
        case = do(h, case_id, element, form)
        if element == "hold_initial_meeting":
            do(h, case_id, "record_advocacy_contact", s.ADVOCACY_PATH["record_advocacy_contact"])
    assert case["data"]["outcome"] == "successful"
    # Each meeting is recorded on or after its day, so the clock has passed 22 March: the nine weeks
    # ran out while the protocol went on, and the advocacy's outcome is now due.
    assert case["status"] == "running" and ready(case) == {"close_advocacy"}
    case = do(h, case_id, "close_advocacy", s.ADVOCACY_PATH["close_advocacy"])
    assert case["status"] == "completed"
    assert (case["data"]["advocacy_status"], case["data"]["advocacy_contacts_count"]) == ("closed", 1)
    assert case["data"]["outcome"] == "successful"
    [closed] = mails(h, case_id, "advocacy_closed")
    assert "1 recorded contact" in closed.body
    assert h.call("replay", case_id, verify=True)["ok"]


def test_the_period_ends_after_nine_weeks_and_its_outcome_is_escalated_when_late(h):
    case_id = engaged_case(h)
    do(h, case_id, "engage_student_and_family", s.ADVOCACY_PATH["engage_student_and_family"])
    do(h, case_id, "record_advocacy_contact", s.ADVOCACY_PATH["record_advocacy_contact"])
    assert {"task": "advocacy_period_ended", "due": "2027-03-22T09:00:00+00:00"} in (
        h.call("show_case", case_id)["waiting_timers"])
    h.clock.set(datetime(2027, 3, 22, 8, 59, tzinfo=UTC))
    assert h.fire() == []
    h.clock.set(datetime(2027, 3, 22, 9, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "advocacy_period_ended"}]
    case = h.call("show_case", case_id)
    assert ready(case) == {"record_fair_access_decision", "close_advocacy"}
    assert h.task(case_id, "close_advocacy")["due"] == "2027-03-22"
    h.clock.set(datetime(2027, 3, 23, 9, 0, 1, tzinfo=UTC))  # the morning after: escalated
    assert h.fire() == [{"case_id": case_id, "task": "close_advocacy_overdue"}]
    [escalation] = mails(h, case_id, "deadline_escalation")
    assert escalation.recipient == "outreach.coordinator@authority.example" and "9 weeks" in escalation.body
    case = do(h, case_id, "close_advocacy", {**s.ADVOCACY_PATH["close_advocacy"], "advocacy_outcome": "disengaged"})
    assert ready(case) == {"record_fair_access_decision"}
    assert (case["data"]["advocacy_weeks_delivered"], case["data"]["advocacy_contacts_count"]) == (10, 1)
    assert all(t["task"] != "close_advocacy_overdue" for t in case["waiting_timers"])
    assert h.call("replay", case_id, verify=True)["ok"]


def test_advocacy_needs_a_reason_and_the_costing_and_is_skipped_when_not_needed(h):
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    do(h, case_id, "record_parental_consent", s.HAPPY_PATH["record_parental_consent"])
    bare = {**s.HAPPY_PATH["gather_information"], "advocacy_needed": True}
    with pytest.raises(InvalidData) as err:
        do(h, case_id, "gather_information", bare)
    assert set(err.value.errors) == {"advocacy_needed", "advocacy_provider", "transition_type", "advocacy_funding",
                                     "current_setting_funding", "year_group"}
    do(h, case_id, "gather_information", s.HAPPY_PATH["gather_information"])
    case = do(h, case_id, "record_child_views", s.HAPPY_PATH["record_child_views"])
    assert ready(case) == {"record_fair_access_decision"} and "advocacy_status" not in case["data"]
    assert h.call("replay", case_id, verify=True)["ok"]


def test_costs_follow_seed_001_for_a_primary_pupil():
    # Pilot student 5: Year 6 at OnTrack, GBP 51,000 a year, a 1:1 transition, primary mainstream funding.
    costs = advocacy_costs({"current_setting_funding": 51000, "year_group": 6, "transition_type": "one_to_one"},
                           Policy())
    assert costs == {"transition_type": "1:1", "current_setting_funding": 51000, "transition_cost": 3645,
                     "mainstream_funding": 3300, "net_saving_if_reintegrated": 44055}

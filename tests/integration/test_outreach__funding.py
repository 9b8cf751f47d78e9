"""The Reintegration Service document: free outreach support is counted against policy, the rest is charged and the income booked
to the financial year of the session.

Reintegration support has 3 free weeks (policy, from 2015/16; 6 in 2014/15); when they are used up the
school must agree to pay before the support goes on; transition, looked-after children's and group
support are free; other requests are chargeable from the start. Weeks are counted as distinct weeks with
a session; a week's charge goes to the financial year (April to March) of its first session.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.access import add_user
from engine.errors import InvalidData
from engine.models import OutboxMessage
from handlers.outreach import financial_year, free_weeks_for
from schooling.policy import Policy
from tests.conftest import ROOT

OUTREACH = ROOT / "processes" / "outreach_support.bpmn"


@pytest.fixture
def h(harness):
    with harness.sessions() as ses:
        add_user(ses, "kim.outreach", "outreach", s.OUTREACH_REQUEST["local_authority"], harness.clock.now())
        add_user(ses, "sue.senco", "home_school", s.OUTREACH_REQUEST["home_school"], harness.clock.now(),
                 email="senco@hollybrook.example")
        ses.commit()
    harness.deploy(OUTREACH)
    harness.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    return harness


def contact(h, case_id, day: str, kind: str = "session", next_step: str = "continue") -> dict:
    h.clock.set(datetime.fromisoformat(f"{day}T16:00:00+00:00"))
    data = {**s.OUTREACH_PATH["record_outreach_contact"], "contact_date": day, "contact_kind": kind,
            "next_step": next_step, "information_for_school": f"What happened on {day}."}
    return h.complete(case_id, "record_outreach_contact", data, "kim.outreach")


def start_reintegration_support(h, **request) -> str:
    case = h.call("start_case", "outreach_support", {**s.OUTREACH_REQUEST, **request}, "sue.senco")
    case_id = case["case_id"]
    h.complete(case_id, "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "kim.outreach")
    if "complete_assessments" in {t["task"] for t in h.call("show_case", case_id)["ready_tasks"]}:
        h.complete(case_id, "complete_assessments", s.OUTREACH_PATH["complete_assessments"], "kim.outreach")
    return case_id


def test_three_free_weeks_then_the_school_agrees_to_pay_and_income_goes_to_each_financial_year(h):
    case_id = start_reintegration_support(h)
    data = h.call("show_case", case_id)["data"]
    assert (data["funding_basis"], data["free_weeks_allowance"], data["financial_year"]) == (
        "free_weeks_then_chargeable", 3, "2025/26")
    contact(h, case_id, "2026-03-03")
    contact(h, case_id, "2026-03-05")  # the same week: still week 1
    contact(h, case_id, "2026-03-10", kind="pep")  # a meeting is not a week of support
    contact(h, case_id, "2026-03-11")
    case = contact(h, case_id, "2026-03-17")  # week 3: the free weeks are used up
    assert [t["task"] for t in case["ready_tasks"]] == ["agree_chargeable_support"]
    assert case["ready_tasks"][0]["lane"] == "home_school"
    assert (case["data"]["free_weeks_used"], case["data"]["income_by_financial_year"]) == (3, {})

    case = h.complete(case_id, "agree_chargeable_support", s.OUTREACH_PATH["agree_chargeable_support"], "sue.senco")
    assert [t["task"] for t in case["ready_tasks"]] == ["record_outreach_contact"]
    contact(h, case_id, "2026-03-24")  # week 4, financial year 2025/26
    contact(h, case_id, "2026-03-26")  # same week: no second charge
    case = contact(h, case_id, "2026-04-14", next_step="end")  # week 5, financial year 2026/27
    data = case["data"]
    assert data["chargeable_weeks"] == ["2026-03-23", "2026-04-13"]
    assert data["income_by_financial_year"] == {"2025/26": 150, "2026/27": 150}
    assert [t["task"] for t in case["ready_tasks"]] == ["record_outreach_outcome"]

    case = h.complete(case_id, "record_outreach_outcome", s.OUTREACH_PATH["record_outreach_outcome"], "kim.outreach")
    assert case["status"] == "completed"
    assert {k: case["data"][k] for k in ("outcome", "support_weeks_total", "free_weeks_used",
                                         "chargeable_weeks_total", "income_total", "destination")} == {
        "outcome": "completed", "support_weeks_total": 5, "free_weeks_used": 3, "chargeable_weeks_total": 2,
        "income_total": 300, "destination": "mainstream_same_school"}
    closing = h.query(lambda ses: ses.scalars(select(OutboxMessage).where(
        OutboxMessage.case_id == case_id, OutboxMessage.kind == "outreach_closed")).one())
    assert "chargeable: 2 (GBP 300)" in closing.body
    assert h.call("replay", case_id, verify=True)["ok"]


def test_the_school_not_paying_ends_the_support_when_the_free_weeks_are_used(h):
    case_id = start_reintegration_support(h, free_weeks_already_used=2)
    assert h.call("show_case", case_id)["data"]["free_weeks_allowance"] == 1
    case = contact(h, case_id, "2026-03-03")
    case = h.complete(case_id, "agree_chargeable_support", {"charge_agreed": False}, "sue.senco")
    assert [t["task"] for t in case["ready_tasks"]] == ["record_outreach_outcome"]
    outcome = {**s.OUTREACH_PATH["record_outreach_outcome"], "support_outcome": "ended_charge_not_agreed"}
    case = h.complete(case_id, "record_outreach_outcome", outcome, "kim.outreach")
    assert case["data"]["outcome"] == "ended_charge_not_agreed" and case["data"]["income_total"] == 0
    assert h.call("replay", case_id, verify=True)["ok"]


def test_a_chargeable_request_needs_the_schools_agreement_and_charges_from_the_first_week(h):
    request = {**s.OUTREACH_REQUEST, "support_type": "elsa", "back_from_ap_unit": False}
    case_id = h.call("start_case", "outreach_support", request, "sue.senco")["case_id"]
    with pytest.raises(InvalidData, match="chargeable") as err:
        h.complete(case_id, "review_outreach_request", s.OUTREACH_PATH["review_outreach_request"], "kim.outreach")
    assert list(err.value.errors) == ["charge_agreed"]
    h.complete(case_id, "review_outreach_request", {**s.OUTREACH_PATH["review_outreach_request"],
                                                    "charge_agreed": True}, "kim.outreach")
    contact(h, case_id, "2026-03-03")
    case = contact(h, case_id, "2026-03-10")
    assert case["data"]["income_by_financial_year"] == {"2025/26": 300}
    assert [t["task"] for t in case["ready_tasks"]] == ["record_outreach_contact"]  # no further agreement asked
    assert h.call("replay", case_id, verify=True)["ok"]


@pytest.mark.parametrize("support", ["transition_ks2_3", "lac_at_risk_of_exclusion"])
def test_transition_and_looked_after_support_are_free_however_long(h, support):
    case_id = start_reintegration_support(h, support_type=support, back_from_ap_unit=False)
    for day in ("2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24", "2026-03-31"):
        case = contact(h, case_id, day)
    assert case["data"]["funding_basis"] == "free"
    assert (case["data"]["free_weeks_used"], case["data"]["income_by_financial_year"]) == (5, {})
    assert [t["task"] for t in case["ready_tasks"]] == ["record_outreach_contact"]
    assert h.call("replay", case_id, verify=True)["ok"]


def test_free_weeks_follow_the_policy_of_the_financial_year():
    policy = Policy()
    assert (financial_year(datetime(2015, 3, 31).date()), financial_year(datetime(2015, 4, 1).date())) == (
        "2014/15", "2015/16")
    assert [free_weeks_for(policy, y) for y in ("2013/14", "2014/15", "2015/16", "2026/27")] == [6, 6, 3, 3]

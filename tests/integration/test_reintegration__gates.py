"""The Worcestershire protocol's gates: consent from a holder of parental responsibility, another holder's disagreement
decided by the LA, information sharing refused stops the referral, and an initial meeting without the
child and family carries a reason that the LA accepts, or is held again."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cli import scenarios as s
from engine.errors import InvalidData
from tests.conftest import REINTEGRATION

ACTORS = {"ap_setting": "ava.ap", "la_admissions": "lee.la", "host_school": "hana.host", "home_school": "omar.home"}
CONSENT = s.HAPPY_PATH["record_parental_consent"]


@pytest.fixture
def h(harness):
    harness.deploy(REINTEGRATION)
    harness.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    return harness


def start(h) -> str:
    return h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]


def ready(case: dict) -> list[str]:
    return sorted(t["task"] for t in case["ready_tasks"])


def test_consent_needs_parental_responsibility_and_the_other_holders_view(h):
    case_id = start(h)
    with pytest.raises(InvalidData) as refused:
        h.complete(case_id, "record_parental_consent",
                   {**CONSENT, "has_parental_responsibility": False, "other_parent_agreement": None}, "ava.ap")
    assert set(refused.value.errors) == {"has_parental_responsibility", "other_parent_agreement"}
    assert "with parental responsibility" in refused.value.errors["has_parental_responsibility"]
    assert ready(h.call("show_case", case_id)) == ["record_parental_consent"]  # nothing changed


def test_information_sharing_refused_stops_the_referral_with_its_reason(h):
    case_id = start(h)
    case = h.complete(case_id, "record_parental_consent", {**CONSENT, "consent_to_share_information": False}, "ava.ap")
    assert case["status"] == "completed" and case["data"]["outcome"] == "not_agreed"
    assert "refused consent to share the child's information" in case["data"]["not_agreed_reason"]


@pytest.mark.parametrize("resolved, outcome", [(True, "gather_information"), (False, None)])
def test_another_holder_disagreeing_goes_to_the_la_first(h, resolved, outcome):
    case_id = start(h)
    case = h.complete(case_id, "record_parental_consent", {**CONSENT, "other_parent_agreement": "no"}, "ava.ap")
    assert [(t["task"], t["lane"]) for t in case["ready_tasks"]] == [("resolve_parental_disagreement", "la_admissions")]
    case = h.complete(case_id, "resolve_parental_disagreement",
                      {"disagreement_resolved": resolved, "other_parent_view": "Father wants a school nearer him"},
                      "lee.la")
    if outcome:
        assert ready(case) == [outcome]
    else:
        assert case["status"] == "completed" and "did not reach agreement" in case["data"]["not_agreed_reason"]


def test_a_visit_is_offered_before_the_initial_meeting_and_the_leavers_form_is_due_on_roll(h):
    case_id = start(h)
    for element in ("record_parental_consent", "gather_information", "record_child_views",
                    "record_fair_access_decision", "allocate_place", "confirm_host_place"):
        h.complete(case_id, element, s.HAPPY_PATH[element], ACTORS[h.task(case_id, element)["lane"]])
    assert (h.task(case_id, "offer_visit")["lane"]) == "ap_setting"
    with pytest.raises(InvalidData, match="Offer the student and parents a visit"):
        h.complete(case_id, "offer_visit", {**s.HAPPY_PATH["offer_visit"], "visit_offered": False}, "ava.ap")
    for element in list(s.HAPPY_PATH)[list(s.HAPPY_PATH).index("offer_visit"):-1]:
        case = h.complete(case_id, element, s.HAPPY_PATH[element], ACTORS[h.task(case_id, element)["lane"]])
    task = h.task(case_id, "complete_leavers_form")
    assert (task["lane"], task["due"]) == ("ap_setting", "2027-04-19")  # the day the pupil goes on the host roll
    assert case["data"]["outcome"] == "successful" and case["status"] == "running"
    case = h.complete(case_id, "complete_leavers_form", s.HAPPY_PATH["complete_leavers_form"], "ava.ap")
    assert case["status"] == "completed"


def test_initial_meeting_without_the_family_needs_a_reason_the_la_accepts(h):
    case_id = start(h)
    for element in ("record_parental_consent", "gather_information", "record_child_views",
                    "record_fair_access_decision", "allocate_place", "confirm_host_place", "offer_visit"):
        h.complete(case_id, element, s.HAPPY_PATH[element], ACTORS[h.task(case_id, element)["lane"]])
    meeting = {**s.HAPPY_PATH["hold_initial_meeting"], "parent_and_child_present": False}
    with pytest.raises(InvalidData, match="must include the child and family"):
        h.complete(case_id, "hold_initial_meeting", meeting, "ava.ap")
    meeting["absence_reason"] = "Mother in hospital; she agreed by phone"
    case = h.complete(case_id, "hold_initial_meeting", meeting, "ava.ap")
    assert [(t["task"], t["lane"]) for t in case["ready_tasks"]] == [("accept_meeting_without_family", "la_admissions")]
    case = h.complete(case_id, "accept_meeting_without_family", {"absence_accepted": False,
                                                                 "absence_decision_notes": "Hold it with her"}, "lee.la")
    assert ready(case) == ["hold_initial_meeting"]  # held again
    case = h.complete(case_id, "hold_initial_meeting", {**meeting, "parent_and_child_present": True}, "ava.ap")
    assert ready(case) == ["confirm_dual_registration", "interim_review_1"]
    assert h.call("replay", case_id, verify=True)["ok"]

"""The Worcestershire protocol: an offer of a school place within 20 school days of the Fair Access referral.

27 April 2026 + 20 school days, counted on the shipped calendar, skips the early May bank holiday
(4 May), the May half-term (25-29 May, with the spring bank holiday) and the INSET day on 1 June:
the deadline is Wednesday 3 June 2026. The reminder goes 2 school days before (Friday 22 May, the
last school day before half-term, as 1 June is an INSET day), the escalation at 09:00 London time
on 4 June, and again every 7 days until a place is allocated.

Fair Access runs in three moves: the LA records the date it agreed that the child will be considered
(checked: not before the referral, not in the future), finds a host school and offers the place, and
the host school confirms it. A host that does not confirm sends the case back to find another school;
each attempt is kept, and the same deadline keeps running throughout.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cli import scenarios as s
from engine.errors import InvalidData
from engine.models import OutboxMessage
from tests.conftest import REINTEGRATION


def _mail(h, case_id):
    return h.query(lambda ses: ses.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)
                                           .order_by(OutboxMessage.id)).all())


def test_deadline_in_school_days_reminds_escalates_repeatedly_and_keeps_the_task_open(harness):
    h = harness
    h.deploy(REINTEGRATION)
    h.clock.set(datetime(2026, 4, 20, 10, 0, tzinfo=UTC))
    case_id = h.call("start_case", "reintegration", s.START_DATA, "ava.ap")["case_id"]
    h.complete(case_id, "record_parental_consent", {**s.HAPPY_PATH["record_parental_consent"],
                                                    "consent_date": "2026-04-20"}, "ava.ap")
    h.complete(case_id, "gather_information", s.HAPPY_PATH["gather_information"], "ava.ap")
    h.complete(case_id, "record_child_views", {**s.HAPPY_PATH["record_child_views"], "views_date": "2026-04-21"},
               "ava.ap")
    assert h.call("show_case", case_id)["data"]["la_referral_date"] == "2026-04-21"
    decision = {**s.HAPPY_PATH["record_fair_access_decision"], "agreed_to_consider_date": "2026-04-27"}
    with pytest.raises(InvalidData, match="considered under Fair Access must be today or in the past"):
        h.call("complete_task", h.task(case_id, "record_fair_access_decision")["task_id"], decision, "lee.la")
    with pytest.raises(InvalidData, match="Monday 20 April 2026 is before the referral to the LA on Tuesday 21 April"):
        h.complete(case_id, "record_fair_access_decision", {**decision, "agreed_to_consider_date": "2026-04-20"},
                   "lee.la")
    h.clock.set(datetime(2026, 4, 27, 15, 0, tzinfo=UTC))
    assert not [t for t in h.call("show_case", case_id)["ready_tasks"] if t["task"] == "allocate_place"]
    case = h.complete(case_id, "record_fair_access_decision", decision, "lee.la")

    assert case["data"]["fair_access_deadline"] == "2026-06-03"
    assert h.task(case_id, "allocate_place")["due"] == "2026-06-03"
    assert case["waiting_timers"] == [
        {"task": "allocate_place_reminder", "due": "2026-05-22T08:00:00+00:00"},
        {"task": "fair_access_deadline_missed", "due": "2026-06-04T08:00:00+00:00"},
    ]
    sent_before = len(_mail(h, case_id))

    h.clock.set(datetime(2026, 5, 22, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "allocate_place_reminder"}]
    reminder = _mail(h, case_id)[sent_before:]
    assert [(m.kind, m.recipient) for m in reminder] == [("deadline_reminder", "admissions@authority.example")]
    assert "Due 3 June 2026" in reminder[0].subject and s.START_DATA["pupil_name"] not in reminder[0].body

    h.clock.set(datetime(2026, 6, 4, 7, 59, tzinfo=UTC))
    assert h.fire() == []
    h.clock.set(datetime(2026, 6, 4, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "fair_access_deadline_missed"}]
    assert h.fire() == []
    case = h.call("show_case", case_id)
    assert case["status"] == "running"
    assert [t["task"] for t in case["ready_tasks"]] == ["allocate_place"]
    assert case["waiting_timers"] == [{"task": "fair_access_deadline_missed", "due": "2026-06-11T08:00:00+00:00"}]

    h.clock.set(datetime(2026, 6, 11, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "fair_access_deadline_missed"}]
    escalations = [m for m in _mail(h, case_id) if m.kind == "deadline_escalation"]
    assert [m.recipient for m in escalations] == ["admissions.manager@authority.example"] * 2
    assert "escalation 1;" in escalations[0].body and "escalation 2;" in escalations[1].body
    assert "20 school days" in escalations[0].body and "Overdue since 3 June 2026" in escalations[0].subject
    assert escalations[0].html and "<strong>3 June 2026</strong>" in escalations[0].html

    # Second move: a school is found and the place offered; the host school does not confirm it.
    h.clock.set(datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    offer = {"host_school": "Westfield School", "panel": "faap", "place_offered_date": "2026-06-12"}
    with pytest.raises(InvalidData, match="before the child was to be considered"):
        h.complete(case_id, "allocate_place", {**offer, "place_offered_date": "2026-04-24"}, "lee.la")
    case = h.complete(case_id, "allocate_place", offer, "lee.la")
    assert [(t["task"], t["lane"], t["due"]) for t in case["ready_tasks"]] == [
        ("confirm_host_place", "host_school", "2026-06-03")]
    with pytest.raises(InvalidData, match="Say why"):
        h.complete(case_id, "confirm_host_place", {"host_school_confirmed": False}, "wes.wrong")
    h.fire()  # the deadline has passed: the host school is reminded and the manager told at once
    sent = {(m.kind, m.recipient) for m in _mail(h, case_id) if "confirm_host_place" in m.idempotency_key}
    assert sent == {("deadline_reminder", "head.host-school@schools.example"),
                    ("deadline_escalation", "admissions.manager@authority.example")}
    case = h.complete(case_id, "confirm_host_place", {"host_school_confirmed": False,
                                                      "not_confirmed_reason": "Year 10 has no DT places"}, "wes.wrong")
    # Third move refused: back to find another school, the deadline unchanged and still overdue.
    assert [t["task"] for t in case["ready_tasks"]] == ["allocate_place"]
    assert h.task(case_id, "allocate_place")["due"] == "2026-06-03" == case["data"]["fair_access_deadline"]
    before = len(_mail(h, case_id))
    h.fire()
    assert len(_mail(h, case_id)) == before  # the same reminder and escalation are not sent twice
    h.clock.set(datetime(2026, 6, 18, 8, 0, 1, tzinfo=UTC))
    assert h.fire() == [{"case_id": case_id, "task": "fair_access_deadline_missed"}]
    assert "escalation 3;" in _mail(h, case_id)[-1].body

    case = h.complete(case_id, "allocate_place", {**offer, "host_school": s.HAPPY_PATH["allocate_place"]["host_school"],
                                                  "place_offered_date": "2026-06-18"}, "lee.la")
    case = h.complete(case_id, "confirm_host_place", {"host_school_confirmed": True}, "hana.host")
    assert [t["task"] for t in case["ready_tasks"]] == ["offer_visit"]
    assert case["waiting_timers"] == []  # the place is allocated: reminders and escalations stop
    assert case["data"]["fair_access_attempts"] == [
        {"attempt": 1, "host_school": "Westfield School", "panel": "faap", "place_offered_date": "2026-06-12",
         "confirmed": False, "reason": "Year 10 has no DT places"},
        {"attempt": 2, "host_school": "Kingsmead High School", "panel": "faap", "place_offered_date": "2026-06-18",
         "confirmed": True, "reason": None}]
    history = [(e["kind"], e["element"]) for e in h.call("history", case_id) if e["kind"] == "task_completed"]
    assert [el for _, el in history].count("allocate_place") == 2
    assert [el for _, el in history].count("confirm_host_place") == 2

"""Seed 002: an offer of a school place within 20 school days of the Fair Access referral.

27 April 2026 + 20 school days, counted on the shipped calendar, skips the early May bank holiday
(4 May), the May half-term (25-29 May, with the spring bank holiday) and the INSET day on 1 June:
the deadline is Wednesday 3 June 2026. The reminder goes 2 school days before (Friday 22 May, the
last school day before half-term, as 1 June is an INSET day), the escalation at 09:00 London time
on 4 June, and again every 7 days until a place is allocated.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cli import scenarios as s
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
    for element in ("record_parental_consent", "gather_information", "record_child_views"):
        h.complete(case_id, element, s.HAPPY_PATH[element], "ava.ap")
    decision = {**s.HAPPY_PATH["record_fair_access_decision"], "agreed_to_consider_date": "2026-04-27"}
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
    assert "Due 2026-06-03" in reminder[0].subject and s.START_DATA["pupil_name"] not in reminder[0].body

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
    assert "20 school days" in escalations[0].body and "Overdue since 2026-06-03" in escalations[0].subject
    assert escalations[0].html and "<strong>2026-06-03</strong>" in escalations[0].html

    h.complete(case_id, "allocate_place", {"place_offered_date": "2026-06-12", "host_school_confirmed": True},
               "lee.la")
    case = h.call("show_case", case_id)
    assert [t["task"] for t in case["ready_tasks"]] == ["hold_initial_meeting"]
    assert case["waiting_timers"] == []  # the task is done: its reminder and escalation stop
    kinds = [e["kind"] for e in h.call("history", case_id)]
    assert kinds.count("timer_fired") == 3
